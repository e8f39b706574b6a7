import ConvNetAutograd
import ConvNetBase
import ConvNetNN
import ConvNetTensor
import Foundation

/// Writes a ConvNet network as an ONNX model: evaluation-mode semantics (batch norm with its
/// running statistics, dropout the identity), a dynamic batch dimension, and initializers named
/// by the state-dict keys (`layer1.0.conv1.weight`, `bn1.running_mean`).
///
/// **How**: the network runs once in evaluation mode while every autograd op reports what it
/// computed (`OperationTrace`: the op kind, its settings, its input and output variables) and
/// `ModuleTracer` reports which module produced which value (for names and error messages). Each
/// recorded op becomes one or a few ONNX nodes. Tracing the ops — rather than describing each
/// module type by hand — makes the graph the computation `forward` actually performed, custom
/// code in composite blocks (residual additions, concatenations, squeeze-and-excitation gates,
/// inception branches) included, with nothing to keep in step when a block changes.
///
/// It never writes a wrong graph: an op without an ONNX form, a constant made inside `forward`,
/// training-mode randomness, or a reshape that moves the batch is refused with an error naming
/// the module where it happened. The network is traced at two batch sizes and both graphs must
/// be identical, so nothing that depends on the batch size can slip into the file.
public enum ONNXExport {
  /// The opsets the exporter writes: 14 is the first with HardSwish; the operators used have
  /// the same definition up to 21.
  public static let supportedOpsets = 14...21
  public static let defaultOpset = 17
  /// The graph's input and output names.
  public static let inputName = "input"
  public static let outputName = "output"
  /// The symbolic name of the batch dimension.
  public static let batchSymbol = "batch"

  /// The ONNX model of `model` for inputs of shape [batch] + `inputShape`.
  ///
  /// The model is traced in evaluation mode; its training/evaluation modes are restored
  /// afterwards. Its parameters are not changed.
  ///
  /// - Parameters:
  ///   - inputShape: one sample's shape, e.g. [3, 224, 224] (the batch is dynamic).
  ///   - opset: the ONNX operator-set version to declare (`supportedOpsets`).
  ///   - graphName: the graph's name (e.g. the architecture's).
  /// - Throws: `ONNXError` naming the module type and path that cannot be exported and why.
  public static func export(
    _ model: any Module, inputShape: [Int], opset: Int = defaultOpset, graphName: String = "convnet"
  ) throws -> Onnx_ModelProto {
    guard supportedOpsets.contains(opset) else {
      throw ONNXError(
        item: "opset",
        reason:
          "\(opset) is not supported; expected \(supportedOpsets.lowerBound)…\(supportedOpsets.upperBound)")
    }
    guard !inputShape.isEmpty, inputShape.allSatisfy({ $0 > 0 }) else {
      throw ONNXError(
        item: "input shape",
        reason: "\(inputShape): expected positive sizes of one sample, e.g. [3, 224, 224]")
    }
    let modes = model.namedModules().map { ($0.module, $0.module.isTraining) }
    model.eval()
    defer { for (module, mode) in modes { module.isTraining = mode } }
    // Two batch sizes: a graph that depends on the batch size differs between them.
    let first = try graph(of: model, inputShape: inputShape, batch: 2, opset: opset, name: graphName)
    let second = try graph(of: model, inputShape: inputShape, batch: 3, opset: opset, name: graphName)
    guard try first.serializedBytes() as Data == second.serializedBytes() as Data else {
      throw ONNXError(
        item: "\(type(of: model))",
        reason: "its forward pass records different operations at batch 2 and batch 3, so no graph with a "
          + "dynamic batch dimension represents it")
    }
    var onnxModel = Onnx_ModelProto()
    onnxModel.irVersion = irVersion(forOpset: opset)
    onnxModel.producerName = "ConvNet"
    onnxModel.producerVersion = "1"
    var opsetID = Onnx_OperatorSetIdProto()
    opsetID.domain = ""
    opsetID.version = Int64(opset)
    onnxModel.opsetImport = [opsetID]
    onnxModel.graph = first
    return onnxModel
  }

  /// The IR version that onnx pairs with each opset (onnx.helper.VERSION_TABLE).
  static func irVersion(forOpset opset: Int) -> Int64 {
    switch opset {
    case ...14: return 7
    case 15...18: return 8
    case 19...20: return 9
    default: return 10
    }
  }

  /// Receives the ops; keeps every variable alive so that object identities stay unique.
  private final class Recorder: OperationRecorder {
    struct Event {
      let operation: TracedOperation
      let inputs: [Variable]
      let output: Variable
    }
    var events: [Event] = []
    /// Module calls as they return: how many ops had run, the module, its output.
    var completions: [(eventCount: Int, module: any Module, output: Variable)] = []

    func record(_ operation: TracedOperation, inputs: [Variable], output: Variable) {
      events.append(Event(operation: operation, inputs: inputs, output: output))
    }
  }

  private static func graph(
    of model: any Module, inputShape: [Int], batch: Int, opset: Int, name: String
  ) throws -> Onnx_GraphProto {
    var generator = SeededGenerator(seed: 16)
    let input = Variable(Tensor.randomNormal([batch] + inputShape, using: &generator))
    let recorder = Recorder()
    let output: Variable = withoutGradients {
      OperationTrace.recording(into: recorder) {
        ModuleTracer.observingOutputs({ module, output in
          recorder.completions.append((recorder.events.count, module, output))
          return output
        }) { model(input) }.result
      }
    }

    let modules = model.namedModules()
    let paths = Dictionary(
      modules.map { (ObjectIdentifier($0.module), $0.name) }, uniquingKeysWith: { a, _ in a })
    var preferredNames: [ObjectIdentifier: String] = [:]
    for completion in recorder.completions {
      let path = paths[ObjectIdentifier(completion.module)] ?? ""
      guard !path.isEmpty else { continue }
      let id = ObjectIdentifier(completion.output)
      if preferredNames[id] == nil { preferredNames[id] = path }  // the innermost module's path
    }
    let parameterKeys = Dictionary(
      model.namedParameters().map { (ObjectIdentifier($0.parameter), $0.name) },
      uniquingKeysWith: { a, _ in a })
    let bufferKeys = Dictionary(
      model.namedBuffers().map { (ObjectIdentifier($0.buffer.value.storage), $0.name) },
      uniquingKeysWith: { a, _ in a })
    let builder = ONNXGraphBuilder(
      opset: opset, input: input, inputName: inputName, parameterKeys: parameterKeys,
      bufferKeys: bufferKeys, preferredNames: preferredNames)
    for (index, event) in recorder.events.enumerated() {
      builder.add(event.operation, inputs: event.inputs, output: event.output, index: index)
    }

    let modelName = "\(type(of: model))"
    guard let resolved = builder.resolved(output) else {
      throw ONNXError(
        item: modelName,
        reason: "its output was not computed by any recorded operation from the input (a constant?)")
    }
    let outputValue: String
    switch resolved {
    case .failed(let failure):
      throw ONNXError(
        item: location(of: failure, in: recorder, paths: paths, builder: builder, model: modelName),
        reason: failure.reason)
    case .value(let name, let carriesBatch):
      guard carriesBatch else {
        throw ONNXError(item: modelName, reason: "its output does not depend on its input")
      }
      outputValue = name
    }
    guard output.shape.first == batch else {
      throw ONNXError(
        item: modelName,
        reason: "its output has shape \(output.shape) for a batch of \(batch); expected the batch first")
    }
    let (nodes, initializers) = builder.finish(
      output: builder.producedName(for: outputValue), renamedTo: outputName)
    var graph = Onnx_GraphProto()
    graph.name = name
    graph.node = nodes
    graph.initializer = initializers
    graph.input = [.float(inputName, shape: [nil] + inputShape, batchSymbol: batchSymbol)]
    graph.output = [
      .float(outputName, shape: [nil] + output.shape.dropFirst().map { $0 }, batchSymbol: batchSymbol)
    ]
    return graph
  }

  /// "module Bottleneck \"layer1.0\"": the innermost module whose output the failure reached
  /// first (modules return children first, so the first such module after the failing op).
  private static func location(
    of failure: ONNXGraphBuilder.Failure, in recorder: Recorder, paths: [ObjectIdentifier: String],
    builder: ONNXGraphBuilder, model: String
  ) -> String {
    for completion in recorder.completions where completion.eventCount > failure.eventIndex {
      guard case .failed(let reached) = builder.resolved(completion.output),
        reached.eventIndex == failure.eventIndex
      else { continue }
      let path = paths[ObjectIdentifier(completion.module)] ?? ""
      return "module \(type(of: completion.module))"
        + (path.isEmpty ? " (the whole network)" : " \"\(path)\"")
    }
    return "module \(model)"
  }
}
