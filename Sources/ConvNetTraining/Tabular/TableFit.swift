import ConvNetAutograd
import ConvNetData
import ConvNetModels
import ConvNetNN
import ConvNetTensor
import Foundation

/// How `TableFit.fit` trains a table model.
public struct TableFitSettings: Sendable {
  /// How the weights of a linear regression are found.
  public enum Solver: String, CaseIterable, Sendable {
    /// Full-batch gradient descent (every model).
    case gradientDescent = "gradient"
    /// The least-squares solution by QR (`LeastSquares`; linear regression only).
    case exact
  }

  public var model = TableModel.Kind.linearRegression
  /// Hidden layer widths of `mlp`.
  public var hidden = [64]
  /// The fraction of rows held out for testing (stratified by class for classification);
  /// 0 trains on every row and reports no test metrics.
  public var testFraction = 0.2
  /// Seeds the split and the initial weights.
  public var seed: UInt64 = 1
  /// Gradient steps; nil: 2,000 for linear and logistic regression, 1,000 for `mlp`.
  public var steps: Int? = nil
  /// nil: 0.1 (SGD with momentum 0.9) for linear and logistic regression, 0.01 (Adam) for `mlp`.
  public var learningRate: Float? = nil
  public var solver = Solver.gradientDescent
  /// Which columns are categorical or ignored, what a missing value does. `task` is set by the
  /// model for linear (regression) and logistic (classification) regression.
  public var preprocessing = TabularPreprocessing.Options()
  /// Only these columns are features (nil: every column but the target and the ignored ones).
  public var features: [String]? = nil

  public init() {}

  public var resolvedSteps: Int { steps ?? (model == .mlp ? 1000 : 2000) }
  public var resolvedLearningRate: Float { learningRate ?? (model == .mlp ? 0.01 : 0.1) }

  func check() throws {
    if let steps, steps < 1 {
      throw SettingError(setting: "steps", name: "steps", detail: "must be at least 1, got \(steps)")
    }
    if let learningRate, !(learningRate > 0 && learningRate.isFinite) {
      throw SettingError(
        setting: "learningRate", name: "learning rate",
        detail: "must be a positive number, got \(learningRate)")
    }
    guard testFraction >= 0 && testFraction < 1 else {
      throw SettingError(
        setting: "testFraction", name: "test fraction",
        detail: "must be at least 0 and below 1, got \(testFraction)")
    }
    if model == .mlp, let bad = hidden.first(where: { $0 < 1 }) {
      throw SettingError(setting: "hidden", name: "hidden sizes", detail: "must be at least 1, got \(bad)")
    }
    if solver == .exact && model != .linearRegression {
      throw SettingError(
        setting: "solver", name: "solver",
        detail: "exact is the least-squares solution of a linear regression, not of \(model.rawValue)")
    }
    if model == .linearRegression && preprocessing.task == .classification {
      throw SettingError(
        setting: "model", name: "model", detail: "linear-regression predicts a number, not a class")
    }
  }
}

/// How well a table model does on some rows.
public enum TableMetrics: Equatable, Sendable {
  case regression(RegressionMetrics)
  /// Accuracy, and ROC AUC: of the positive (second) class for two classes, the mean of the
  /// one-vs-rest AUCs for more (classes absent from the rows left out); nil when undefined.
  case classification(accuracy: Double, auc: Double?, count: Int)
}

/// A table model trained on a table: the preprocessing fitted on the training rows, the model,
/// the split, and what training reached.
///
/// Training is **full-batch** gradient descent — every step sees all training rows: the
/// course's tables have hundreds of rows, so a step is one small matrix product, the loss
/// decreases smoothly and the result does not depend on a batch order. Linear and logistic
/// regression use SGD with momentum 0.9 (their losses are convex: it converges to the unique
/// optimum, which the tests compare with numpy's `lstsq` and Newton's method); `mlp` uses Adam.
public final class TableFit {
  public let settings: TableFitSettings
  public let description: TableModel
  public let preprocessing: TabularPreprocessing
  public let model: any Module
  /// Table row indices (0-based, header excluded) of the training and test rows.
  public let trainingRows: [Int]
  public let testRows: [Int]
  /// The training loss after the last step (nil for the exact solver).
  public private(set) var finalLoss: Double?

  init(
    settings: TableFitSettings, description: TableModel, preprocessing: TabularPreprocessing,
    model: any Module, trainingRows: [Int], testRows: [Int]
  ) {
    self.settings = settings
    self.description = description
    self.preprocessing = preprocessing
    self.model = model
    self.trainingRows = trainingRows
    self.testRows = testRows
  }

  /// The fitted model as a predictor (what a saved file loads back into).
  public var predictor: TablePredictor {
    TablePredictor(description: description, preprocessing: preprocessing, model: model)
  }

  /// Splits `table`, fits the preprocessing on the training rows and trains the model on them.
  /// - Parameters:
  ///   - progress: called with (step, training loss) ten times over the run and at the end.
  /// - Throws: `SettingError` for settings that do not fit together, `DataError` naming the
  ///   file, line and column of data that cannot be used, `TableFitError`.
  public static func fit(
    _ table: DelimitedTable, target: String, settings: TableFitSettings,
    progress: (_ step: Int, _ loss: Double) -> Void = { _, _ in }
  ) throws -> TableFit {
    try settings.check()
    var options = settings.preprocessing
    if let features = settings.features {
      for name in features { _ = try table.columnIndex(named: name, role: "feature") }
      options.ignored.formUnion(table.header.filter { $0 != target && !features.contains($0) })
    }
    switch settings.model {
    case .linearRegression: options.task = .regression
    case .logisticRegression: options.task = .classification
    case .mlp: break
    }
    // The task, classes and usable rows come from the whole table (they describe the columns);
    // the split is made on the usable rows; only then are means and deviations fitted.
    let probe = try TabularPreprocessing.fit(
      table, target: target, trainingRows: Array(table.rows.indices), options: options)
    let all = try probe.transform(table, rows: Array(table.rows.indices))
    var training = all.rows
    var test: [Int] = []
    if settings.testFraction > 0 {
      let split =
        probe.task == .classification
        ? try IndexSplit.stratified(
          labels: all.labels ?? [], classCount: probe.classNames.count,
          validationFraction: settings.testFraction, seed: settings.seed)
        : try IndexSplit.random(
          count: all.rows.count, validationFraction: settings.testFraction, seed: settings.seed)
      training = split.train.map { all.rows[$0] }
      test = split.validation.map { all.rows[$0] }
    }
    let preprocessing = try TabularPreprocessing.fit(
      table, target: target, trainingRows: training, options: options)
    let trainingData = try preprocessing.transform(table, rows: training)
    let classCount = preprocessing.classNames.count
    let description = TableModel(
      kind: settings.model, inputFeatures: preprocessing.featureCount,
      outputs: preprocessing.task == .regression || classCount == 2 ? 1 : classCount,
      hidden: settings.hidden)
    let model = RandomSource.withSeed(settings.seed) { description.build() }
    let fit = TableFit(
      settings: settings, description: description, preprocessing: preprocessing, model: model,
      trainingRows: training, testRows: test)
    switch settings.solver {
    case .exact: try fit.solveExactly(trainingData)
    case .gradientDescent: fit.descend(trainingData, progress: progress)
    }
    return fit
  }

  /// Sets the linear regression's weights to the least-squares solution on `data`.
  func solveExactly(_ data: TabularData) throws {
    let n = data.features.shape[0]
    let d = data.features.shape[1]
    let x = data.features.scalars
    var design = [Double](repeating: 1, count: n * (d + 1))  // last column: the intercept
    for i in 0..<n { for j in 0..<d { design[i * (d + 1) + j] = Double(x[i * d + j]) } }
    let y = (data.targets?.scalars ?? []).map { Double($0) }
    let beta = try LeastSquares.solve(matrix: design, rows: n, columns: d + 1, targets: y)
    try model.loadStateDict([
      "weight": Tensor(shape: [1, d], scalars: beta.prefix(d).map(Float.init)),
      "bias": Tensor(shape: [1], scalars: [Float(beta[d])]),
    ])
  }

  /// Full-batch gradient descent for `settings.resolvedSteps` steps.
  func descend(_ data: TabularData, progress: (Int, Double) -> Void) {
    let steps = settings.resolvedSteps
    let rate = settings.resolvedLearningRate
    let optimizer: any Optimizer =
      settings.model == .mlp
      ? Adam(parameters: model.parameters, learningRate: rate)
      : SGD(parameters: model.parameters, learningRate: rate, momentum: 0.9)
    let input = Variable(data.features)
    let binaryTargets = data.labels.map { labels in
      Tensor(shape: [labels.count, 1], scalars: labels.map { Float($0) })
    }
    let reportEvery = max(1, steps / 10)
    model.train()
    for step in 1...steps {
      optimizer.zeroGradients()
      let loss = self.loss(model(input), data: data, binaryTargets: binaryTargets)
      loss.backward()
      optimizer.step()
      if step % reportEvery == 0 || step == steps {
        finalLoss = Double(loss.value.scalar)
        progress(step, Double(loss.value.scalar))
      }
    }
    model.eval()
  }

  func loss(_ output: Variable, data: TabularData, binaryTargets: Tensor?) -> Variable {
    if let targets = data.targets { return meanSquaredError(output, target: targets) }
    if description.outputs == 1, let binaryTargets {
      return binaryCrossEntropyWithLogits(output, target: binaryTargets)
    }
    return crossEntropy(logits: output, labels: data.labels ?? [])
  }

  /// The metrics on table rows `rows` (nil when `rows` is empty).
  public func metrics(on table: DelimitedTable, rows: [Int]) throws -> TableMetrics? {
    guard !rows.isEmpty else { return nil }
    return try predictor.metrics(on: preprocessing.transform(table, rows: rows))
  }

  /// The weights of a linear or logistic regression per named feature, in standardised and in
  /// original units; nil for an `mlp` with hidden layers.
  public var coefficients: TableCoefficients? {
    guard description.isLinear else { return nil }
    let entries = Dictionary(uniqueKeysWithValues: model.stateDict().map { ($0.name, $0.value) })
    guard let weight = entries["weight"], let bias = entries["bias"] else { return nil }
    return TableCoefficients(
      preprocessing: preprocessing, weight: weight.scalars.map { Double($0) },
      bias: bias.scalars.map { Double($0) }, outputs: description.outputs)
  }
}

/// The coefficients of a linear model on preprocessed features, also in the table's units.
///
/// The model sees z = (x − mean) / sd for a numeric column, so its weight w on z is w / sd per
/// unit of x, and its intercept b becomes b − Σ w·mean / sd (one-hot indicators are 0/1 and
/// keep their weights). These are the coefficients an ordinary least-squares fit on the raw
/// columns (with the same one-hot coding) gives.
public struct TableCoefficients: Equatable, Sendable {
  public struct Row: Equatable, Sendable {
    /// The matrix column's name ("beauty", "gender=male") or "(intercept)".
    public var name: String
    /// Per output: the weight on the standardised feature.
    public var standardized: [Double]
    /// Per output: the weight per unit of the original column.
    public var original: [Double]
  }

  /// What each output is: the target's name, "log-odds of CLASS", or "logit of CLASS".
  public let outputNames: [String]
  public let intercept: Row
  public let features: [Row]

  init(preprocessing: TabularPreprocessing, weight: [Double], bias: [Double], outputs: Int) {
    var scales: [(mean: Double, deviation: Double)] = []
    for feature in preprocessing.features {
      for _ in feature.outputNames {
        scales.append(
          feature.kind == .numeric ? (feature.mean, feature.standardDeviation) : (0, 1))
      }
    }
    let d = scales.count
    let names = preprocessing.featureNames
    var features: [Row] = []
    var interceptOriginal = bias
    for j in 0..<d {
      let standardized = (0..<outputs).map { weight[$0 * d + j] }
      let original = standardized.map { $0 / scales[j].deviation }
      for k in 0..<outputs { interceptOriginal[k] -= original[k] * scales[j].mean }
      features.append(Row(name: names[j], standardized: standardized, original: original))
    }
    self.features = features
    intercept = Row(name: "(intercept)", standardized: bias, original: interceptOriginal)
    switch (preprocessing.task, outputs) {
    case (.regression, _): outputNames = [preprocessing.target]
    case (.classification, 1): outputNames = ["log-odds of \(preprocessing.classNames[1])"]
    case (.classification, _): outputNames = preprocessing.classNames.map { "logit of \($0)" }
    }
  }
}
