import ConvNetAutograd
import ConvNetKernels
import ConvNetNN
import ConvNetTensor
import Synchronization

/// One fused run of an imported graph, as `ONNXGraphModule.fusedConvolutions` reports it:
/// Conv → [BatchNormalization] → [Add (residual)] → [Relu | Clip(0, 6) | HardSwish |
/// HardSigmoid·Mul], computed in one prepared call when gradients are not recorded.
public struct ONNXFusedConvolution: Equatable, Sendable {
  /// The Conv node's label ("node 3 (Conv \"conv1\")").
  public let convolution: String
  /// The op types of the nodes the run replaces, in graph order (Conv first).
  public let opTypes: [String]
  public let foldsBatchNorm: Bool
  public let addsResidual: Bool
  public let activation: FusedActivation
}

/// A Conv → [BatchNormalization] → [Add] → [activation] chain of an imported graph and the
/// `Conv2d` / `BatchNorm2d` through which it runs prepared (`Conv2d.preparedForward`: packed
/// weights kept between calls, batch norm folded, residual and activation in the epilogue).
///
/// The layers are not the graph's modules and hold no tensors of their own: before every call
/// they are pointed at the values the graph holds now (its parameters, buffers or constants), so
/// the convolution's inference cache sees exactly the tensors — storage and write version — the
/// unfused nodes would read, and a training step, `loadStateDict` or a new tensor makes it
/// prepare again. Only the graph's own nodes run while gradients are recorded or a summary
/// watches (`PreparedInference.applies`), so training and tracing see every node.
final class ONNXConvolutionChain {
  /// Indices into the graph module's steps of the nodes replaced, in graph order.
  let stepIndices: [Int]
  /// Value names read: the Conv's input X, W and B; the batch norm's scale, B, mean and var;
  /// the residual. Empty for absent ones.
  let input: String
  let weight: String
  let bias: String
  let normalization: [String]
  let residual: String
  /// The value the last node produces.
  let output: String
  /// The values produced inside the chain, other than `output`.
  let intermediates: [String]
  let activation: FusedActivation
  let summary: ONNXFusedConvolution
  private let layer: Conv2d
  private let batchNorm: BatchNorm2d?

  private init(
    stepIndices: [Int], nodes: [ONNXNode], batchNorm: (names: [String], epsilon: Float)?,
    residual: String, activation: FusedActivation, layer: Conv2d
  ) {
    self.stepIndices = stepIndices
    let conv = nodes[0]
    input = conv.inputs[0]
    weight = conv.inputs[1]
    bias = conv.inputs.count > 2 ? conv.inputs[2] : ""
    normalization = batchNorm?.names ?? []
    self.residual = residual
    output = nodes.last!.outputs[0]
    intermediates = nodes.dropLast().flatMap { $0.outputs.filter { !$0.isEmpty } }
    var external: [String] = []
    for name in nodes.flatMap(\.inputs) where !name.isEmpty && !intermediates.contains(name) {
      if !external.contains(name) { external.append(name) }
    }
    reads = external
    self.activation = activation
    self.layer = layer
    self.batchNorm = batchNorm.map { settings in
      let norm = BatchNorm2d(layer.outputChannels, epsilon: settings.epsilon)
      norm.isTraining = false
      return norm
    }
    summary = ONNXFusedConvolution(
      convolution: conv.label, opTypes: nodes.map(\.opType), foldsBatchNorm: batchNorm != nil,
      addsResidual: !residual.isEmpty, activation: activation)
  }

  /// Every value the chain's nodes read from outside the chain (Clip's bounds too): all must
  /// still be held when the chain runs, since it may run its nodes instead of the prepared call.
  let reads: [String]

  /// The prepared result, or nil when these values do not fit the prepared call (another rank,
  /// an empty batch, a weight or statistics of another shape, a residual that broadcasts): the
  /// caller then runs the chain's nodes, which check and report as usual.
  func preparedOutput(_ value: (String) -> ONNXValue?) -> Variable? {
    guard case .float(let x)? = value(input), x.shape.count == 4, x.shape[0] > 0,
      x.shape[1] == layer.inputChannels
    else { return nil }
    let geometry = Conv2DGeometry(input: x.shape, weight: weightShape, settings: layer.settings)
    guard geometry.validate() == nil else { return nil }
    var r: Variable?
    if !residual.isEmpty {
      let outputShape = [geometry.batch, geometry.outputChannels, geometry.outputHeight, geometry.outputWidth]
      guard case .float(let given)? = value(residual), given.shape == outputShape else { return nil }
      r = given
    }
    guard let prepared = preparedForm(value) else { return nil }
    var output = Tensor(
      uninitializedShape: [geometry.batch, geometry.outputChannels, geometry.outputHeight, geometry.outputWidth])
    prepared.forward(
      input: x.value.readOnlyElements, output: output.uniqueElements(), geometry: geometry,
      residual: r?.value.readOnlyElements, activation: activation)
    return Variable(output)
  }

  /// The convolution's prepared form (batch norm folded in) for the tensors the graph holds now,
  /// or nil when the weight, bias or statistics do not have the shapes the layer was made for.
  ///
  /// The layers are pointed at those tensors under a lock, and the form is taken from the
  /// convolution's inference cache under it too, so two threads making the first call at once
  /// (or one call after `loadStateDict` replaced a buffer) never write the layers' properties
  /// together; the form itself is thread-safe and runs outside the lock. Load time already
  /// points the layers at the graph's tensors (`bind`), so a call normally writes nothing.
  func preparedForm(_ value: (String) -> ONNXValue?) -> PreparedConv2D? {
    guard let tensors = sources(value) else { return nil }
    return binding.withLock { _ in
      point(at: tensors)
      return layer.preparedConvolution(foldingBatchNorm: batchNorm)
    }
  }

  /// Points the layers at the tensors the graph holds (load time: `find` does it, so that the
  /// first inference call writes nothing); false when they do not fit.
  @discardableResult
  func bind(_ value: (String) -> ONNXValue?) -> Bool {
    guard let tensors = sources(value) else { return false }
    binding.withLock { _ in point(at: tensors) }
    return true
  }

  /// Serialises pointing the layers at tensors and taking the prepared form.
  private let binding = Mutex<Void>(())

  /// The weight, bias and batch-norm tensors the chain reads, if their shapes fit the layers.
  private func sources(_ value: (String) -> ONNXValue?) -> (weight: Variable, bias: Variable?, statistics: [Variable])? {
    guard case .float(let w)? = value(weight), w.shape == weightShape else { return nil }
    var b: Variable?
    if !bias.isEmpty {
      guard case .float(let given)? = value(bias), given.shape == [layer.outputChannels] else { return nil }
      b = given
    }
    var statistics: [Variable] = []
    for name in normalization {
      guard case .float(let v)? = value(name), v.shape == [layer.outputChannels] else { return nil }
      statistics.append(v)
    }
    return (w, b, statistics)
  }

  /// Assigns only what changed (identity checks first: no retain/release traffic per call).
  private func point(at tensors: (weight: Variable, bias: Variable?, statistics: [Variable])) {
    if layer.weight !== tensors.weight { layer.weight = tensors.weight }
    if layer.bias !== tensors.bias { layer.bias = tensors.bias }
    guard let batchNorm else { return }
    let statistics = tensors.statistics
    if batchNorm.weight !== statistics[0] { batchNorm.weight = statistics[0] }
    if batchNorm.bias !== statistics[1] { batchNorm.bias = statistics[1] }
    if batchNorm.runningMean.value.storage !== statistics[2].value.storage {
      batchNorm.runningMean.value = statistics[2].value
    }
    if batchNorm.runningVariance.value.storage !== statistics[3].value.storage {
      batchNorm.runningVariance.value = statistics[3].value
    }
  }

  /// The convolution's stride, padding, dilation and groups.
  var settings: Conv2DSettings { layer.settings }

  /// [OC, C/groups, kH, kW]: the shape the layer was made for.
  var weightShape: [Int] {
    [layer.outputChannels, layer.inputChannels / layer.groups, layer.kernelSize.height, layer.kernelSize.width]
  }

  /// Drops the convolution's prepared form (its memory comes back).
  func release() { layer.releasePreparedInference() }

  /// Whether the convolution holds a prepared form now.
  var isPrepared: Bool { layer.preparedConvolutionCount > 0 }

  // MARK: Finding chains

  /// The chains of `nodes` (the nodes left to run per call, in order): each Conv whose weight has
  /// a known 4-D shape and whose padding `Conv2d` can hold, followed by the nodes that alone
  /// read its result. A value that a graph output or another node also reads ends the chain.
  ///
  /// `values` are the load-time values (parameters, buffers, constants): a layer is pointed at
  /// its weight at once, so that the placeholder weight it was made with is not kept.
  static func find(
    nodes: [ONNXNode], knownShapes: [String: [Int]], constants: [String: ONNXValue],
    values: [String: ONNXValue], graphOutputs: Set<String>
  ) -> [ONNXConvolutionChain] {
    var consumers: [String: [Int]] = [:]
    for (index, node) in nodes.enumerated() {
      for name in node.inputs where !name.isEmpty { consumers[name, default: []].append(index) }
    }
    var claimed = Set<Int>()
    var chains: [ONNXConvolutionChain] = []
    /// The one node that reads `name`, if it is read by one node, once, and is no graph output.
    func soleConsumer(_ name: String) -> Int? {
      guard !graphOutputs.contains(name), let readers = consumers[name], readers.count == 1,
        !claimed.contains(readers[0])
      else { return nil }
      return readers[0]
    }
    for (start, conv) in nodes.enumerated() where conv.opType == "Conv" && !claimed.contains(start) {
      guard conv.inputs.count >= 2, conv.outputs.count == 1, !conv.outputs[0].isEmpty,
        let layer = convolutionLayer(conv, weightShape: knownShapes[conv.inputs[1]])
      else { continue }
      var indices = [start]
      var current = conv.outputs[0]
      var batchNorm: (names: [String], epsilon: Float)?
      var residual = ""
      var activation = FusedActivation.none
      extending: while activation == .none {
        // hardswish written out: y · HardSigmoid(y; 1/6, 1/2), y read by exactly these two.
        if let readers = consumers[current], readers.count == 2, !graphOutputs.contains(current),
          readers.allSatisfy({ !claimed.contains($0) }),
          let pair = hardswishPair(readers.map { nodes[$0] }, input: current, constants: constants),
          soleConsumer(nodes[readers[pair.gate]].outputs[0]) == readers[pair.product]
        {
          indices += [readers[pair.gate], readers[pair.product]].sorted()
          current = nodes[readers[pair.product]].outputs[0]
          activation = .hardswish
          break extending
        }
        guard let next = soleConsumer(current) else { break }
        let node = nodes[next]
        guard node.outputs.count == 1, !node.outputs[0].isEmpty else { break }
        switch node.opType {
        case "BatchNormalization" where batchNorm == nil && residual.isEmpty && node.inputs.count == 5
          && node.inputs[0] == current && node.inputs.allSatisfy({ !$0.isEmpty }):
          batchNorm = (Array(node.inputs[1...]), epsilon(node))
        case "Add" where residual.isEmpty && node.inputs.count == 2 && node.inputs[0] != node.inputs[1]:
          residual = node.inputs[0] == current ? node.inputs[1] : node.inputs[0]
        case "Relu":
          activation = .relu
        case "HardSwish":
          activation = .hardswish
        case "Clip" where isReLU6(node, constants: constants):
          activation = .relu6
        default:
          break extending
        }
        indices.append(next)
        current = node.outputs[0]
      }
      claimed.formUnion(indices)
      let chain = ONNXConvolutionChain(
        stepIndices: indices, nodes: indices.map { nodes[$0] }, batchNorm: batchNorm, residual: residual,
        activation: activation, layer: layer)
      chain.bind { values[$0] }
      chains.append(chain)
    }
    return chains
  }

  /// A `Conv2d` with the node's settings for a weight of `weightShape`, or nil when the node is
  /// not a plain 2-D convolution `Conv2d` can describe (1-D, SAME auto-padding, unequal pads on
  /// the two sides of an axis).
  private static func convolutionLayer(_ node: ONNXNode, weightShape: [Int]?) -> Conv2d? {
    guard let shape = weightShape, shape.count == 4, shape.allSatisfy({ $0 > 0 }) else { return nil }
    func ints(_ name: String, _ fallback: [Int]) -> [Int]? {
      switch node.attributes[name] {
      case nil: return fallback
      case .ints(let values)?: return values
      default: return nil
      }
    }
    var groups = 1
    switch node.attributes["group"] {
    case nil: break
    case .int(let value)?: groups = value
    default: return nil
    }
    var autoPad = "NOTSET"
    if case .string(let value)? = node.attributes["auto_pad"] { autoPad = value }
    guard autoPad == "NOTSET" || autoPad == "VALID", groups >= 1, shape[0] % groups == 0,
      let strides = ints("strides", [1, 1]), let dilations = ints("dilations", [1, 1]),
      var pads = ints("pads", [0, 0, 0, 0]), let kernel = ints("kernel_shape", [shape[2], shape[3]]),
      strides.count == 2, dilations.count == 2, pads.count == 4, kernel == [shape[2], shape[3]],
      (strides + dilations).allSatisfy({ $0 >= 1 })
    else { return nil }
    if autoPad == "VALID" { pads = [0, 0, 0, 0] }
    guard pads[0] == pads[2], pads[1] == pads[3], pads.allSatisfy({ $0 >= 0 }) else { return nil }
    // An empty placeholder weight, pointed at the graph's before the first call (`bind`).
    return Conv2d(
      shape[1] * groups, shape[0], kernelSize: Size2(shape[2], shape[3]),
      stride: Size2(strides[0], strides[1]), padding: .explicit(Size2(pads[0], pads[1])),
      dilation: Size2(dilations[0], dilations[1]), groups: groups, weight: Variable(Tensor.zeros([0])), bias: nil)
  }

  private static func epsilon(_ node: ONNXNode) -> Float {
    switch node.attributes["epsilon"] {
    case .float(let value)?: return value
    case .int(let value)?: return Float(value)
    default: return 1e-5
    }
  }

  /// Whether a Clip node clamps to [0, 6]: attributes before opset 11, constant inputs after.
  private static func isReLU6(_ node: ONNXNode, constants: [String: ONNXValue]) -> Bool {
    func bound(_ slot: Int, _ attribute: String) -> Float? {
      if case .float(let value)? = node.attributes[attribute] { return value }
      guard slot < node.inputs.count, !node.inputs[slot].isEmpty, let value = constants[node.inputs[slot]] else {
        return nil
      }
      switch value {
      case .float(let v) where v.value.count == 1: return v.value.scalars[0]
      case .integer(let t) where t.values.count == 1: return Float(t.values[0])
      default: return nil
      }
    }
    return bound(1, "min") == 0 && bound(2, "max") == 6
  }

  /// Of two nodes reading `input`: which is HardSigmoid(input; α 1/6, β 1/2) and which the Mul of
  /// `input` and that gate.
  private static func hardswishPair(
    _ pair: [ONNXNode], input: String, constants: [String: ONNXValue]
  ) -> (gate: Int, product: Int)? {
    for gate in 0..<2 {
      let (g, m) = (pair[gate], pair[1 - gate])
      guard g.opType == "HardSigmoid", m.opType == "Mul", g.outputs.count == 1, m.outputs.count == 1,
        !m.outputs[0].isEmpty, g.inputs == [input], Set(m.inputs) == [input, g.outputs[0]], m.inputs.count == 2
      else { continue }
      var alpha: Float = 0.2
      var beta: Float = 0.5
      if case .float(let value)? = g.attributes["alpha"] { alpha = value }
      if case .float(let value)? = g.attributes["beta"] { beta = value }
      if abs(alpha - 1.0 / 6) <= 1e-7, beta == 0.5 { return (gate, 1 - gate) }
    }
    return nil
  }
}
