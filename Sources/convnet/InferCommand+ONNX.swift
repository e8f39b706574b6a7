import ConvNet
import Foundation

extension InferCommand {
  /// `convnet infer --model model.onnx`: the imported graph on the tensor "input".
  func runImported(model path: String) throws {
    let module = try importModel(path)
    if let weights {
      try Checkpoint.loadWeights(into: module, from: URL(fileURLWithPath: weights))
    }
    let inputFile = try SafetensorsFile.read(from: URL(fileURLWithPath: input))
    guard inputFile.names.contains("input") else {
      throw CLIError("\(input): no tensor named \"input\" (found: \(inputFile.names.joined(separator: ", ")))")
    }
    let x = try inputFile.tensor(named: "input")
    let y: Tensor
    do {
      y = try module.infer(x)
    } catch let error as ONNXImportError {
      throw CLIError("\(input): tensor \"input\" of shape \(x.shape.map(String.init).joined(separator: "×")): \(error)")
    }
    try SafetensorsFile.write([(name: "output", tensor: y, dtype: .f32)], to: URL(fileURLWithPath: output))
    printError("wrote \(output): output \(y.shape.map(String.init).joined(separator: "×"))")
  }
}

/// Imports an ONNX file named by --model; errors name the file.
func importModel(_ path: String) throws -> ONNXGraphModule {
  do {
    return try ONNXGraphModule(contentsOf: URL(fileURLWithPath: path))
  } catch let error as ONNXImportError {
    throw CLIError("\(path): \(error)")
  }
}
