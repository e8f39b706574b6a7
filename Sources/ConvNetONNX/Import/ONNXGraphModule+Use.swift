import ConvNetAutograd
import ConvNetModels
import ConvNetNN
import ConvNetTensor
import Foundation

// What the command line does with an imported model: infer, summarise, fine-tune.

extension ONNXGraphModule {
  /// Imports the model in `url` (see `init(graph:)`).
  ///
  /// - Throws: `ONNXError` naming the file when it cannot be read or decoded;
  ///   `ONNXImportError` naming the node when something in it is not supported.
  public convenience init(contentsOf url: URL) throws {
    try self.init(graph: ONNXGraph(contentsOf: url))
  }

  /// The graph's output for `input` (inference: no gradients recorded).
  ///
  /// - Throws: `ONNXImportError` when the input's shape does not match the graph's declared
  ///   input or an operator cannot take the values met.
  public func infer(_ input: Tensor) throws -> Tensor {
    try checkInput(shape: input.shape)
    return try withoutGradients { try evaluate(Variable(input)) }.value
  }

  /// One row of `layerSummary()`: a node that runs per call, its output shape for the probe
  /// input and the scalar parameters (trainable initializers) it reads.
  public struct NodeSummary {
    public let index: Int
    public let name: String
    public let opType: String
    public let outputShape: [Int]
    public let parameterCount: Int
  }

  /// Every node that runs per call, with its output shape for an input of the declared shape
  /// (symbolic dimensions 1) — a zero input is run once to find the shapes.
  public func layerSummary() throws -> [NodeSummary] {
    guard let shape = inputShape(batch: 1), inputs.count == 1 else {
      throw ONNXImportError.unsupported(
        node: "model", what: "a summary without one input of known rank", supported: "one graph input with a declared shape")
    }
    let sizes = Dictionary(uniqueKeysWithValues: namedParameters().map { ($0.name, $0.parameter.value.count) })
    var shapes: [String: [Int]] = [:]
    try withoutGradients {
      _ = try run([inputs[0].name: .float(Variable(Tensor.zeros(shape)))]) { name, value in shapes[name] = value.shape }
    }
    return nodes.map { node in
      NodeSummary(
        index: node.index, name: node.name, opType: node.opType,
        outputShape: node.outputs.first.flatMap { shapes[$0] } ?? [],
        parameterCount: node.inputs.reduce(0) { $0 + (sizes[$1] ?? 0) })
    }
  }

  /// The imported network as an `Architecture` for the training pipeline (`TrainingRun`), for
  /// fine-tuning: input [C, H, W] and class count are the graph's, fixed; building returns this
  /// module itself (its weights are the file's, so the run starts from them).
  ///
  /// - Throws: `ONNXImportError` unless the graph maps one [N, C, H, W] float input with fixed
  ///   C, H, W to one [N, classes] output with a fixed class count.
  public func trainingArchitecture(name: String) throws -> (architecture: Architecture, classCount: Int) {
    guard inputs.count == 1, outputs.count == 1, let dims = inputs[0].shape, dims.count == 4,
      let c = dims[1], let h = dims[2], let w = dims[3]
    else {
      throw ONNXImportError.unsupported(
        node: "model", what: "inputs \(inputs.map { $0.name }) for training on images",
        supported: "one input [N, C, H, W] with fixed C, H, W")
    }
    let probe = try infer(Tensor.zeros([1, c, h, w]))
    guard probe.rank == 2 else {
      throw ONNXImportError.unsupported(
        node: "graph output \"\(outputs[0].name)\"", what: "output shape \(probe.shape) for classification",
        supported: "[N, classes]")
    }
    let box = ModuleBox(self)
    let architecture = Architecture(
      name: name, summary: "imported ONNX graph", inputShape: [c, h, w], classifierPrefix: "",
      minimumInputSize: min(h, w), defaultClassCount: probe.shape[1], hasFixedInputSize: true
    ) { _, _ in box.module }
    return (architecture, probe.shape[1])
  }
}

/// Hands the one imported module to `Architecture`'s builder (a `@Sendable` closure); the
/// training run that calls it owns the module from then on.
private final class ModuleBox: @unchecked Sendable {
  let module: ONNXGraphModule
  init(_ module: ONNXGraphModule) { self.module = module }
}
