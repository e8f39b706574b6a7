import ArgumentParser
import ConvNet
import Foundation

struct SummaryCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "summary",
    abstract: "Show every layer of a network: output shape, parameters (with the formula), MACs.")

  @Option(help: "The architecture (\(Architectures.all.map(\.name).joined(separator: ", "))).")
  var arch = "lenet5"

  @Option(
    parsing: .unconditional,
    help: "The shape of one input sample, CxHxW (default: the architecture's own, e.g. 1x28x28).")
  var input: String?

  @Option(
    parsing: .unconditional,
    help:
      "Number of classes of the final layer (default: the architecture's, e.g. 1000 for ImageNet networks).")
  var numClasses: Int?

  @Flag(help: "Print one JSON object instead of a table.")
  var json = false

  @Option(help: "An ONNX model to summarise instead of --arch (SummaryCommand+ONNX.swift).")
  var model: String?

  func validate() throws {
    if let numClasses, numClasses < 1 {
      throw CLIError("--num-classes must be at least 1, got \(numClasses)")
    }
    if let input {
      let shape = try parseShape(input, option: "--input")
      guard shape.count == 3 else {
        throw CLIError(
          "--input \"\(input)\": expected one sample as CxHxW (or HxW), got \(shape.count) sizes")
      }
    }
  }

  func run() throws {
    if let model { return try summarizeImported(model: model) }
    let architecture = try Architectures.named(arch)
    let sampleShape = try input.map { try parseShape($0, option: "--input") } ?? architecture.inputShape
    do {
      try Preflight.checkInference(
        architecture: architecture, sampleShape: sampleShape,
        classCount: numClasses ?? architecture.defaultClassCount, batch: 1)
    } catch let error as InputShapeError {
      throw CLIError("--input \(input ?? ""): \(error)")
    } catch let error as MemoryLimitError {
      throw CLIError("\(error.description); check --input and --num-classes")
    }
    let model = architecture.build(inputChannels: sampleShape[0], classCount: numClasses)
    let summary = ModelSummary(model: model, sampleShape: sampleShape)
    if json {
      printJSON(summaryJSON(summary, architecture: architecture.name))
    } else {
      print(renderSummary(summary, architecture: architecture.name))
    }
  }
}

func summaryJSON(_ summary: ModelSummary, architecture: String) -> [String: Any] {
  [
    "architecture": architecture,
    "input_shape": summary.inputShape,
    "total_parameters": summary.totalParameters,
    "trainable_parameters": summary.trainableParameters,
    "total_macs": summary.totalMultiplyAccumulates,
    "activation_bytes": summary.activationBytes,
    "layers": summary.rows.map { row -> [String: Any] in
      [
        "name": row.name, "layer": row.layer, "output_shape": row.outputShape,
        "parameters": row.parameterCount, "formula": row.parameterFormula ?? "",
        "macs": row.multiplyAccumulates,
      ]
    },
  ]
}

func renderSummary(_ summary: ModelSummary, architecture: String) -> String {
  let cells = ModelSummaryTable(summary, architecture: architecture)
  var table = TextTable(columns: ModelSummaryTable.columnTitles)
  for row in cells.rows { table.add(row) }
  let totals = cells.totals.map { "\($0.label): \($0.value)" }
  return ([cells.title, table.render(rightAligned: ModelSummaryTable.numericColumns)] + totals).joined(
    separator: "\n")
}
