import ArgumentParser
import ConvNet
import Foundation

struct FitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fit",
    abstract: "Fit a linear regression, logistic regression or MLP on a CSV/TSV table.",
    discussion: """
      Numeric columns are standardised with the training rows' mean and standard deviation, \
      categorical ones one-hot (the first category is the baseline). Training is full-batch \
      gradient descent (SGD with momentum 0.9 for linear and logistic regression, Adam for mlp). \
      Prints test metrics (RMSE, MAE, R² or accuracy, ROC AUC) and, for linear and logistic \
      regression, the coefficient of every feature in standardised and original units. --save \
      writes the weights with the preprocessing in their metadata, for `convnet predict`.
      """)

  @Option(help: "The table: CSV or TSV (by extension) with a header row.")
  var data: String

  @Option(help: "The column to predict.")
  var target: String

  @Option(help: "linear-regression, logistic-regression or mlp.")
  var model = "linear-regression"

  @Option(help: "Hidden layer sizes of mlp, comma-separated, e.g. 64,32.")
  var hidden = "64"

  @Option(name: .customLong("test-split"), help: "Fraction of rows held out for testing (0: none).")
  var testSplit = 0.2

  @Option(help: "Seeds the split and the initial weights.")
  var seed: UInt64 = 1

  @Option(help: "Gradient steps (default 2000; 1000 for mlp).")
  var steps: Int?

  @Option(help: "Learning rate (default 0.1; 0.01 for mlp).")
  var lr: Float?

  @Option(help: "gradient (descent) or exact (least squares, linear-regression only).")
  var solver = "gradient"

  @Option(
    help:
      "regression or classification (default: from the model, or regression when the target is all numbers).")
  var task: String?

  @Option(help: "Columns to treat as categories even if numeric, comma-separated.")
  var categorical: String?

  @Option(help: "Columns to leave out, comma-separated.")
  var ignore: String?

  @Option(
    help: "Only these columns are features, comma-separated (default: all but the target and --ignore).")
  var features: String?

  @Option(help: "A missing value (empty, NA, NaN, ?): error or drop-row.")
  var missing = "error"

  @Option(help: "Where to write the weights (safetensors).")
  var save: String?

  func validate() throws {
    try checkReadableFile(data, option: "--data")
    guard TableModel.Kind(rawValue: model) != nil else {
      throw CLIError(
        "--model \(model): expected one of \(TableModel.Kind.allCases.map(\.rawValue).joined(separator: ", "))"
      )
    }
    guard TableFitSettings.Solver(rawValue: solver) != nil else {
      throw CLIError("--solver \(solver): expected gradient or exact")
    }
    guard TabularPreprocessing.MissingValues(rawValue: missing == "drop-row" ? "dropRow" : missing) != nil
    else {
      throw CLIError("--missing \(missing): expected error or drop-row")
    }
    if let task, TabularPreprocessing.Task(rawValue: task) == nil {
      throw CLIError("--task \(task): expected regression or classification")
    }
    _ = try hiddenSizes()
  }

  func hiddenSizes() throws -> [Int] {
    try hidden.split(separator: ",", omittingEmptySubsequences: false).map {
      guard let size = Int($0.trimmingCharacters(in: .whitespaces)), size > 0 else {
        throw CLIError("--hidden \(hidden): expected positive integers separated by commas, e.g. 64,32")
      }
      return size
    }
  }

  func columnSet(_ text: String?) -> Set<String> {
    Set((text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
  }

  func settings() throws -> TableFitSettings {
    var settings = TableFitSettings()
    settings.model = TableModel.Kind(rawValue: model) ?? .linearRegression
    settings.hidden = try hiddenSizes()
    settings.testFraction = testSplit
    settings.seed = seed
    settings.steps = steps
    settings.learningRate = lr
    settings.solver = TableFitSettings.Solver(rawValue: solver) ?? .gradientDescent
    settings.preprocessing.categorical = columnSet(categorical)
    settings.preprocessing.ignored = columnSet(ignore)
    settings.features = features.map { columnSet($0).sorted() }
    settings.preprocessing.missingValues = missing == "drop-row" ? .dropRow : .error
    settings.preprocessing.task = task.flatMap(TabularPreprocessing.Task.init(rawValue:))
    return settings
  }

  func run() throws {
    let table = try DelimitedTable.read(contentsOf: URL(fileURLWithPath: data))
    let settings = try settings()
    let steps = settings.resolvedSteps
    let fit = try namingTableFlags {
      try TableFit.fit(table, target: target, settings: settings) { step, loss in
        print(
          "step \(String(repeating: " ", count: max(0, "\(steps)".count - "\(step)".count)))\(step)/\(steps)  "
            + "training loss \(String(format: "%.6g", loss))")
      }
    }
    let p = fit.preprocessing
    print(
      "\(fit.description.kind.rawValue) on \(data): \(p.featureCount) features from \(p.features.count) "
        + "columns, \(fit.trainingRows.count) training rows, \(fit.testRows.count) test rows"
        + (p.task == .classification ? ", classes \(p.classNames.joined(separator: ", "))" : ""))
    var metricsTable = TextTable(columns: ["split", "rows"] + metricNames(p.task))
    for (name, rows) in [("train", fit.trainingRows), ("test", fit.testRows)] {
      if let metrics = try fit.metrics(on: table, rows: rows) {
        metricsTable.add([name, "\(rows.count)"] + metricCells(metrics))
      }
    }
    print("")
    print(metricsTable.render(rightAligned: Set(1..<(2 + metricNames(p.task).count))))
    if let coefficients = fit.coefficients {
      print("")
      print(coefficientTable(coefficients))
    }
    if let save {
      try fit.predictor.save(to: URL(fileURLWithPath: save))
      print("\nSaved the weights and preprocessing to \(save)")
    }
  }

  /// Library errors about a setting, in terms of this command's options.
  func namingTableFlags<T>(_ body: () throws -> T) throws -> T {
    let flags = [
      "steps": "--steps", "learningRate": "--lr", "testFraction": "--test-split", "hidden": "--hidden",
      "solver": "--solver", "model": "--model",
    ]
    do {
      return try body()
    } catch let error as SettingError {
      guard let flag = flags[error.setting] else { throw error }
      throw CLIError("\(flag) \(error.detail)")
    }
  }
}

func metricNames(_ task: TabularPreprocessing.Task) -> [String] {
  task == .regression ? ["RMSE", "MAE", "R²"] : ["accuracy", "ROC AUC"]
}

func metricCells(_ metrics: TableMetrics) -> [String] {
  func number(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "–" }
  switch metrics {
  case .regression(let m):
    return [number(m.rootMeanSquaredError), number(m.meanAbsoluteError), number(m.rSquared)]
  case .classification(let accuracy, let auc, _):
    return [String(format: "%.2f %%", 100 * accuracy), number(auc)]
  }
}

/// Feature | per output: standardised, original units.
func coefficientTable(_ coefficients: TableCoefficients) -> String {
  let several = coefficients.outputNames.count > 1
  var columns = ["feature"]
  for name in coefficients.outputNames {
    columns += several ? ["\(name) (std)", "\(name) (orig)"] : ["per sd", "per unit"]
  }
  var table = TextTable(columns: columns)
  for row in [coefficients.intercept] + coefficients.features {
    var cells = [row.name]
    for k in coefficients.outputNames.indices {
      cells += [String(format: "%.6g", row.standardized[k]), String(format: "%.6g", row.original[k])]
    }
    table.add(cells)
  }
  let title =
    several
    ? "Coefficients (std: per standard deviation of the feature; orig: per unit of the column):"
    : "Coefficients of \(coefficients.outputNames[0]) (per sd: per standard deviation of the feature; "
      + "per unit: per unit of the column; indicators are 0/1):"
  return title + "\n" + table.render(rightAligned: Set(1..<columns.count))
}
