import ArgumentParser
import ConvNet
import Foundation

struct ClassifyTextCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "classify-text",
    abstract: "Classify texts with a classifier saved by `convnet train-text --save`.",
    discussion: """
      Prints each text's most probable class and its probability. The weights carry the \
      vocabulary, so the text is cut and numbered exactly as in training. With --data, the \
      texts of a labelled CSV/TSV are classified instead and the accuracy, AUC and confusion \
      matrix printed.
      """)

  @Option(help: "Weights written by `convnet train-text --save`.")
  var weights: String

  @Option(help: "A labelled CSV/TSV to evaluate (columns --text-column and --label-column).")
  var data: String?

  @Option(name: .customLong("text-column"), help: "The column holding the text (with --data).")
  var textColumn = "text"

  @Option(name: .customLong("label-column"), help: "The column holding the class name (with --data).")
  var labelColumn = "label"

  @Argument(help: "Texts to classify.")
  var texts: [String] = []

  func validate() throws {
    try checkReadableFile(weights, option: "--weights")
    if let data { try checkReadableFile(data, option: "--data") }
    guard data != nil || !texts.isEmpty else {
      throw CLIError("classify-text: give one or more texts, or --data FILE")
    }
  }

  func run() throws {
    let classifier = try TextClassifier(contentsOf: URL(fileURLWithPath: weights))
    if !texts.isEmpty {
      var table = TextTable(columns: ["class", "probability", "text"])
      for (text, prediction) in zip(texts, classifier.classify(texts)) {
        table.add([prediction.className, String(format: "%.4f", prediction.probability), text])
      }
      print(table.render(rightAligned: [1]))
    }
    if let data {
      let dataset = try LabeledTextDataset.read(
        contentsOf: URL(fileURLWithPath: data), textColumn: textColumn, labelColumn: labelColumn)
      let metrics = try classifier.evaluate(dataset)
      print(
        String(
          format: "accuracy %.2f %% (%d texts)  AUC %@  loss %.4f", 100 * metrics.accuracy, metrics.count,
          metrics.auc.map { String(format: "%.4f", $0) } ?? "–", metrics.loss))
      var confusion = TextTable(columns: ["true \\ predicted"] + classifier.classNames)
      for (name, row) in zip(classifier.classNames, metrics.confusion) { confusion.add([name] + row.map { "\($0)" }) }
      print(confusion.render(rightAligned: Set(1...classifier.classNames.count)))
    }
  }
}
