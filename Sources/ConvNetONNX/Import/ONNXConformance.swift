import ConvNetAutograd
import ConvNetTensor
import Foundation

/// Runs the ONNX backend's test cases — a `model.onnx` with `test_data_set_*/input_k.pb` and
/// `output_k.pb` (the node, pytorch-converted, pytorch-operator and simple suites of the `onnx`
/// wheel), or a model-zoo `light_*.onnx` with its `light_*_output_0.pb` — and compares
/// ConvNet's outputs with the expected ones as the ONNX backend test does:
/// |actual − expected| ≤ atol + rtol·|expected| elementwise, shapes equal, integers exact.
public enum ONNXConformance {
  public enum Outcome: Equatable {
    case passed
    /// Wrong output, or an error while running a model that loaded.
    case failed(String)
    /// Refused as unsupported: what was refused ("operator LSTM") and the whole message.
    case skipped(what: String, message: String)
  }

  /// The ONNX backend test's default tolerances.
  public static let relativeTolerance: Float = 1e-3
  public static let absoluteTolerance: Float = 1e-7

  /// Runs the case in `directory` (a `model.onnx` and its data sets).
  public static func runCase(
    directory: URL, relativeTolerance: Float = relativeTolerance, absoluteTolerance: Float = absoluteTolerance
  ) -> Outcome {
    let model = directory.appendingPathComponent("model.onnx")
    let dataSets = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
      .filter { $0.hasPrefix("test_data_set_") }.sorted()
    guard !dataSets.isEmpty else { return .failed("no test_data_set_* in \(directory.path)") }
    return run(model: model) { module in
      for set in dataSets {
        let folder = directory.appendingPathComponent(set)
        let inputs = try readTensors(in: folder, prefix: "input_")
        let expected = try readTensors(in: folder, prefix: "output_")
        if let failure = try compare(module: module, inputs: inputs, expected: expected,
          rtol: relativeTolerance, atol: absoluteTolerance) {
          return .failed("\(set): \(failure)")
        }
      }
      return .passed
    }
  }

  /// Runs a model-zoo `light_*.onnx`: the input is 0, 1/n, 2/n, … over the declared input shape
  /// (symbolic dimensions 1), as the ONNX backend test generates it; the expected output is the
  /// `…_output_0.pb` beside the model.
  public static func runLightModel(
    file: URL, relativeTolerance: Float = relativeTolerance, absoluteTolerance: Float = absoluteTolerance
  ) -> Outcome {
    let expectedFile = URL(fileURLWithPath: file.deletingPathExtension().path + "_output_0.pb")
    return run(model: file) { module in
      guard let input = module.inputs.first, module.inputs.count == 1 else {
        return .failed("expected one graph input, got \(module.inputs.count)")
      }
      let shape = (input.shape ?? []).map { $0 ?? 1 }
      let n = Tensor.elementCount(of: shape)
      let data = Tensor(shape: shape, scalars: (0..<n).map { Float(Double($0) / Double(n)) })
      let expected = [try readTensor(expectedFile)]
      if let failure = try compare(module: module, inputs: [.float(data)], expected: expected,
        rtol: relativeTolerance, atol: absoluteTolerance) {
        return .failed(failure)
      }
      return .passed
    }
  }

  private static func run(model: URL, _ body: (ONNXGraphModule) throws -> Outcome) -> Outcome {
    let module: ONNXGraphModule
    do {
      module = try ONNXGraphModule(graph: ONNXGraph(contentsOf: model))
    } catch let error as ONNXImportError where error.isUnsupported {
      return .skipped(what: error.unsupportedItem ?? "", message: error.description)
    } catch {
      return .failed("load: \(error)")
    }
    do {
      return try withoutGradients { try body(module) }
    } catch let error as ONNXImportError where error.isUnsupported {
      // Refused while running (e.g. a convolution whose rank only the input reveals).
      return .skipped(what: error.unsupportedItem ?? "", message: error.description)
    } catch {
      return .failed("\(error)")
    }
  }

  /// Runs `module` on `inputs` and returns nil when every output matches, else why not.
  static func compare(
    module: ONNXGraphModule, inputs: [ONNXTensorData], expected: [ONNXTensorData], rtol: Float, atol: Float
  ) throws -> String? {
    guard inputs.count == module.inputs.count else {
      return "\(inputs.count) inputs given, the graph has \(module.inputs.count)"
    }
    var feeds: [String: ONNXValue] = [:]
    for (info, data) in zip(module.inputs, inputs) { feeds[info.name] = ONNXValue(data) }
    let outputs = try module.run(feeds)
    guard outputs.count == expected.count else { return "\(outputs.count) outputs, expected \(expected.count)" }
    for (index, (actual, wanted)) in zip(outputs, expected).enumerated() {
      guard actual.shape == wanted.shape else { return "output \(index): shape \(actual.shape), expected \(wanted.shape)" }
      switch (actual.data, wanted) {
      case (.float(let a), .float(let e)):
        let (x, y) = (a.scalars, e.scalars)
        for i in 0..<x.count {
          let bad = y[i].isNaN ? !x[i].isNaN : !(abs(x[i] - y[i]) <= atol + rtol * abs(y[i]) || x[i] == y[i])
          if bad { return "output \(index)[\(i)] = \(x[i]), expected \(y[i])" }
        }
      case (.integer(let a), .integer(let e)):
        if a.values != e.values { return "output \(index): \(a.values.prefix(8)), expected \(e.values.prefix(8))" }
      default:
        return "output \(index): element type \(actual.elementType), expected \(wanted.elementType)"
      }
    }
    return nil
  }

  static func readTensors(in folder: URL, prefix: String) throws -> [ONNXTensorData] {
    var tensors: [ONNXTensorData] = []
    while true {
      let file = folder.appendingPathComponent("\(prefix)\(tensors.count).pb")
      guard FileManager.default.fileExists(atPath: file.path) else { return tensors }
      tensors.append(try readTensor(file))
    }
  }

  static func readTensor(_ file: URL) throws -> ONNXTensorData {
    let proto = try Onnx_TensorProto(serializedBytes: try Data(contentsOf: file))
    return try ONNXTensorData(proto: proto, owner: file.lastPathComponent)
  }
}
