import ArgumentParser
import ConvNet
import Foundation

struct PredictCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "predict",
    abstract: "Predict the target of a table's rows with weights saved by `convnet fit --save`.",
    discussion: """
      The table needs the training's feature columns by name (any order; the target column may \
      be absent). The weights carry the preprocessing, so values are scaled as in training. \
      When the target column is present the metrics are printed too.
      """)

  @Option(help: "Weights written by `convnet fit --save`.")
  var weights: String

  @Option(help: "The table (CSV or TSV) with a header row.")
  var data: String

  @Option(help: "Write the predictions as CSV here (default: print them).")
  var output: String?

  func validate() throws {
    try checkReadableFile(weights, option: "--weights")
    try checkReadableFile(data, option: "--data")
  }

  func run() throws {
    let predictor = try TablePredictor(contentsOf: URL(fileURLWithPath: weights))
    let table = try DelimitedTable.read(contentsOf: URL(fileURLWithPath: data))
    let predictions = try predictor.predict(table)
    let p = predictor.preprocessing
    var columns = ["line", "predicted \(p.target)"]
    if p.task == .classification { columns += p.classNames.map { "P(\($0))" } }
    var rows: [[String]] = []
    for prediction in predictions {
      var row = ["\(table.lineNumbers[prediction.row])"]
      if let value = prediction.value { row.append(String(format: "%.6g", value)) }
      if let name = prediction.className {
        row.append(name)
        row += prediction.probabilities.map { String(format: "%.6f", $0) }
      }
      rows.append(row)
    }
    if let output {
      let text =
        ([columns] + rows).map { $0.map(csvField).joined(separator: ",") }.joined(separator: "\n") + "\n"
      do {
        try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
      } catch {
        throw CLIError("--output \(output): cannot write the file (\(error.localizedDescription))")
      }
      print("Wrote \(predictions.count) predictions to \(output)")
    } else {
      var textTable = TextTable(columns: columns)
      rows.forEach { textTable.add($0) }
      print(textTable.render(rightAligned: [0]))
    }
    if table.header.contains(p.target) {
      let data = try p.transform(table, rows: Array(table.rows.indices))
      let metrics = try predictor.metrics(on: data)
      var metricsTable = TextTable(columns: ["rows"] + metricNames(p.task))
      metricsTable.add(["\(predictions.count)"] + metricCells(metrics))
      print("")
      print(metricsTable.render(rightAligned: Set(0...metricNames(p.task).count)))
    }
  }
}

/// A CSV field, quoted when it holds a comma, quote or line break (RFC 4180).
func csvField(_ text: String) -> String {
  guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
  return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
