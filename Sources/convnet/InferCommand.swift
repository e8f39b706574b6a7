import ArgumentParser
import ConvNet
import Foundation

struct InferCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "infer",
    abstract: "Run a network in evaluation mode on a tensor file and write the logits.",
    discussion: """
      Reads the tensor named "input" (N, C, H, W) from --input and writes a tensor named "output" \
      (N, classes) to --output. The number of classes is read from the weights, which may come \
      from PyTorch (safetensors.torch.save_file(model.state_dict(), …)). Language models \
      (--arch lstm-lm, gru-lm, rnn-lm) take "input" as int64 token ids (N, T) and write logits \
      (N, T, vocabulary); their sizes are read from the weights. With --model, an ONNX \
      file is run instead (--weights then optionally replaces its initializers, e.g. after \
      fine-tuning with convnet train --model).
      """)

  @Option(help: "The architecture of the weights.")
  var arch = "lenet5"

  @Option(help: "The weights (safetensors).")
  var weights: String?

  @Option(help: "An ONNX model to run instead of --arch (InferCommand+ONNX.swift).")
  var model: String?

  @Option(help: "A safetensors file holding a tensor named \"input\" of shape N×C×H×W.")
  var input: String

  @Option(help: "Where to write the tensor \"output\" (N×classes).")
  var output: String

  func validate() throws {
    if let weights { try checkReadableFile(weights, option: "--weights") }
    try checkReadableFile(input, option: "--input")
    if let model {
      try checkReadableFile(model, option: "--model")
    } else if weights == nil {
      throw CLIError("--weights is required (or --model for an ONNX file)")
    }
  }

  func run() throws {
    if let model { return try runImported(model: model) }
    guard let weights else { throw CLIError("--weights is required (or --model for an ONNX file)") }
    if let cell = LanguageModel.Cell(architectureName: arch) {
      let shape = try LanguageModelInference.run(
        cell: cell, weights: URL(fileURLWithPath: weights), input: URL(fileURLWithPath: input),
        output: URL(fileURLWithPath: output))
      printError("wrote \(output): output \(shape.map(String.init).joined(separator: "×"))")
      return
    }
    let architecture = try Architectures.named(arch)
    let inputURL = URL(fileURLWithPath: input)
    let inputFile = try SafetensorsFile.read(from: inputURL)
    guard inputFile.names.contains("input") else {
      throw CLIError(
        "\(input): no tensor named \"input\" (found: \(inputFile.names.joined(separator: ", ")))")
    }
    let x = try inputFile.tensor(named: "input")
    guard x.rank == 4 else {
      throw CLIError("\(input): tensor \"input\" has shape \(x.shape), expected N×C×H×W")
    }
    guard x.shape[0] >= 1 else {
      throw CLIError(
        "\(input): tensor \"input\" has shape \(x.shape): a batch of 0 images, expected at least 1")
    }
    let weightsURL = URL(fileURLWithPath: weights)
    let classCount = try architecture.classCount(ofWeightsAt: weightsURL)
    do {
      try Preflight.checkInference(
        architecture: architecture, sampleShape: Array(x.shape.dropFirst()), classCount: classCount,
        batch: x.shape[0])
    } catch let error as InputShapeError {
      throw CLIError(
        "\(input): tensor \"input\" of shape \(x.shape.map(String.init).joined(separator: "×")): \(error)")
    }
    let model = architecture.build(inputChannels: x.shape[1], classCount: classCount)
    try Preflight.checkInputChannels(ofWeightsAt: weightsURL, model: model, inputChannels: x.shape[1])
    try Checkpoint.loadWeights(into: model, from: weightsURL)
    model.eval()
    let logits = withoutGradients { model(Variable(x)) }.value
    try SafetensorsFile.write(
      [(name: "output", tensor: logits, dtype: .f32)], to: URL(fileURLWithPath: output))
    printError("wrote \(output): output \(logits.shape.map(String.init).joined(separator: "×"))")
  }
}
