import ConvNetAutograd
import ConvNetTensor

/// A layer-by-layer description of a network for one input shape: what `convnet summary`
/// prints. Built by running the model once on zeros and recording each leaf layer.
public struct ModelSummary {
  public struct Row {
    /// The state-dict prefix, e.g. "features.0".
    public let name: String
    public let layer: String
    public let outputShape: [Int]
    public let parameterCount: Int
    /// How the count arises, e.g. "(5·5·1+1)·6 = 156".
    public let parameterFormula: String?
    public let multiplyAccumulates: Int
  }

  public let inputShape: [Int]
  public let rows: [Row]
  public let totalParameters: Int
  public let trainableParameters: Int
  public let totalMultiplyAccumulates: Int
  /// Bytes of all leaf-layer outputs for one sample (float32) — the activations a forward
  /// pass keeps for backpropagation.
  public let activationBytes: Int

  /// Summarises `model` for one sample of shape [C, H, W] (or any per-sample shape).
  public init(model: any Module, sampleShape: [Int]) {
    let paths = Dictionary(
      model.namedModules().map { (ObjectIdentifier($0.module), $0.name) },
      uniquingKeysWith: { first, _ in first })
    let wasTraining = model.isTraining
    model.eval()
    let calls = ModuleTracer.trace(model, input: Variable(Tensor.zeros([1] + sampleShape)))
    model.train(wasTraining)
    var rows: [Row] = []
    for call in calls where call.module.children.isEmpty {
      let count = call.module.ownParameters.reduce(0) { $0 + $1.parameter.value.count }
      rows.append(
        Row(
          name: paths[ObjectIdentifier(call.module)] ?? "?", layer: call.module.layerDescription,
          outputShape: Array(call.outputShape.dropFirst()), parameterCount: count,
          parameterFormula: count > 0 ? call.module.parameterFormula : nil,
          multiplyAccumulates: call.module.multiplyAccumulates(
            inputShape: call.inputShape, outputShape: call.outputShape)))
    }
    inputShape = sampleShape
    self.rows = rows
    totalParameters = model.parameterCount
    trainableParameters = model.parameters.filter(\.requiresGrad).reduce(0) { $0 + $1.value.count }
    totalMultiplyAccumulates = rows.reduce(0) { $0 + $1.multiplyAccumulates }
    activationBytes = rows.reduce(0) { $0 + Tensor.elementCount(of: $1.outputShape) * 4 }
  }
}
