import ArgumentParser
import ConvNet
import Foundation

struct ExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Write a network with its weights as an ONNX model (for ONNX Runtime and other frameworks).",
    discussion: """
      The model computes what `convnet infer` computes (evaluation mode: batch norm with its \
      running statistics, no dropout) on an input named "input" of shape batch×C×H×W with a \
      dynamic batch, and names its output "output". Its initializers keep the weights' names \
      (layer1.0.conv1.weight …). A network containing something ONNX cannot express exactly is \
      refused with the module that holds it.
      """)

  @Option(help: "The architecture of the weights (see `convnet train --help`).")
  var arch = "lenet5"

  @Option(help: "The weights (safetensors).")
  var weights: String

  @Option(help: "Where to write the ONNX model.")
  var out: String

  @Option(help: "One sample's shape C×H×W (default: the architecture's own, e.g. 3x224x224).")
  var input: String?

  @Option(help: "The ONNX opset to declare (14…21).")
  var opset = ONNXExport.defaultOpset

  func validate() throws {
    try checkReadableFile(weights, option: "--weights")
    guard ONNXExport.supportedOpsets.contains(opset) else {
      throw ValidationError(
        "--opset \(opset): expected \(ONNXExport.supportedOpsets.lowerBound)…\(ONNXExport.supportedOpsets.upperBound)"
      )
    }
  }

  func run() throws {
    let architecture = try Architectures.named(arch)
    let sampleShape = try input.map { try parseShape($0, option: "--input") } ?? architecture.inputShape
    let weightsURL = URL(fileURLWithPath: weights)
    let classCount = try architecture.classCount(ofWeightsAt: weightsURL)
    do {
      try Preflight.checkInference(
        architecture: architecture, sampleShape: sampleShape, classCount: classCount, batch: 3)
    } catch let error as InputShapeError {
      throw CLIError("--input \(sampleShape.map(String.init).joined(separator: "x")): \(error)")
    }
    let model = architecture.build(inputChannels: sampleShape[0], classCount: classCount)
    do {
      try Preflight.checkInputChannels(ofWeightsAt: weightsURL, model: model, inputChannels: sampleShape[0])
    } catch let error as InputShapeError {
      let shown = sampleShape.map(String.init).joined(separator: "x")
      throw CLIError(
        "--input \(shown)\(input == nil ? " (\(architecture.name)'s default)" : ""): \(error)")
    }
    try Checkpoint.loadWeights(into: model, from: weightsURL)
    let onnx = try ONNXExport.export(
      model, inputShape: sampleShape, opset: opset, graphName: architecture.name)
    try ONNXModelFile.write(onnx, to: URL(fileURLWithPath: out))
    printError(
      "wrote \(out): \(architecture.name), input batch×\(sampleShape.map(String.init).joined(separator: "×")), "
        + "\(onnx.graph.node.count) nodes, \(onnx.graph.initializer.count) initializers, opset \(opset)")
  }
}
