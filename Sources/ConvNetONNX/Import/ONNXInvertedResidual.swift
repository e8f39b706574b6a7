import ConvNetAutograd
import ConvNetKernels
import ConvNetNN
import ConvNetTensor
import Synchronization

/// One inverted residual block of an imported graph, as `ONNXGraphModule.fusedInvertedResiduals`
/// reports it: [1×1 expansion] → 3×3 depthwise → 1×1 projection [+ the block's input], run as
/// one fused pass over bands of rows when gradients are not recorded.
public struct ONNXFusedInvertedResidual: Equatable, Sendable {
  /// The label of the expansion's Conv node ("node 3 (Conv \"…\")"), nil when the block has
  /// none (MobileNetV2's first block).
  public let expansion: String?
  public let depthwise: String
  public let projection: String
  /// Whether the projection's Add takes the block's input (MobileNetV2's shortcut).
  public let addsInput: Bool
}

/// MobileNetV2's inverted residual block found in an imported graph: two or three fused
/// convolution chains (`ONNXConvolutionChain`) — a 1×1 expansion (optional), a 3×3 depthwise, a
/// 1×1 projection without activation whose Add (optional) takes the block's input — each read
/// only by the next. Under prepared inference the block runs `invertedResidualForward`, the
/// kernel the catalogue's `MobileNetV2.InvertedResidual` runs (`preparedInvertedResidual`): per
/// band of output rows, the expansion of just the rows the band reads, the depthwise and the
/// projection, so the 6×-expanded activation never exists whole — which is most of MobileNetV2's
/// peak memory and much of its time. Each convolution's prepared form comes from its chain
/// (`ONNXConvolutionChain.preparedForm`), so invalidation is the chains'. Where the kernel
/// declines (other shapes, a small image at a small batch), the chains run one by one.
final class ONNXInvertedResidual {
  let expansion: ONNXConvolutionChain?
  let depthwise: ONNXConvolutionChain
  let projection: ONNXConvolutionChain
  /// Indices of the member chains in the graph module's chain list, in graph order.
  let chainIndices: [Int]
  /// The block's input (the expansion's, or the depthwise's when there is no expansion) and its
  /// output (the projection chain's).
  let input: String
  let output: String
  let addsInput: Bool
  /// Values produced inside the block: the member chains' intermediates and outputs but the last.
  let intermediates: [String]
  /// Every value the member chains read from outside the block (the fallback runs them).
  let reads: [String]
  let summary: ONNXFusedInvertedResidual
  /// Calls that ran the fused kernel (not the chains one by one).
  private let fusedRuns = Atomic<Int>(0)

  private init(
    expansion: (index: Int, chain: ONNXConvolutionChain)?, depthwise: (index: Int, chain: ONNXConvolutionChain),
    projection: (index: Int, chain: ONNXConvolutionChain), labels: (String?, String, String)
  ) {
    self.expansion = expansion?.chain
    self.depthwise = depthwise.chain
    self.projection = projection.chain
    let members = [expansion, depthwise, projection].compactMap { $0 }
    chainIndices = members.map(\.index)
    input = (expansion?.chain ?? depthwise.chain).input
    output = projection.chain.output
    addsInput = !projection.chain.residual.isEmpty
    let inside = members.flatMap { $0.chain.intermediates } + members.dropLast().map { $0.chain.output }
    intermediates = inside
    var external: [String] = []
    for name in members.flatMap({ $0.chain.reads }) where !inside.contains(name) && !external.contains(name) {
      external.append(name)
    }
    reads = external
    summary = ONNXFusedInvertedResidual(
      expansion: labels.0, depthwise: labels.1, projection: labels.2, addsInput: addsInput)
  }

  /// How many calls ran the fused kernel.
  var fusedRunCount: Int { fusedRuns.load(ordering: .relaxed) }

  /// The block's output by the fused kernel, or nil when the values do not fit it (then the
  /// caller runs the member chains, which check and report as usual).
  func preparedOutput(_ value: (String) -> ONNXValue?) -> Variable? {
    guard case .float(let x)? = value(input), x.shape.count == 4, x.shape.allSatisfy({ $0 > 0 }) else {
      return nil
    }
    var expand: PreparedConv2D?
    if let expansion {
      guard let form = expansion.preparedForm(value) else { return nil }
      expand = form
    }
    guard let depthwiseForm = depthwise.preparedForm(value), let projectForm = projection.preparedForm(value)
    else { return nil }
    let block = InvertedResidualConvolutions(
      expand: expand, expandActivation: expansion?.activation ?? .none,
      depthwise: depthwiseForm, depthwiseActivation: depthwise.activation, project: projectForm)
    guard let outputShape = block.outputShape(input: x.shape), !addsInput || outputShape == x.shape else {
      return nil
    }
    var result = Tensor(uninitializedShape: outputShape)
    let done = invertedResidualForward(
      block, input: x.value.readOnlyElements, shape: x.shape, addingInput: addsInput,
      output: result.uniqueElements())
    guard done else { return nil }
    fusedRuns.add(1, ordering: .relaxed)
    return Variable(result)
  }

  // MARK: Finding blocks

  /// The blocks among `chains` (in graph order, over `nodes`): a projection chain (1×1, plain,
  /// no activation; its Add, if any, taking the block's input) whose input is the output of a
  /// depthwise chain (3×3 depthwise, padding 1, stride 1 or 2, no Add) that only it reads, whose
  /// input is in turn the output of an expansion chain (1×1, plain, no Add) that only the
  /// depthwise reads — or, without that, the block's input. A value a graph output or a second
  /// node also reads is not fused past.
  static func find(
    chains: [ONNXConvolutionChain], nodes: [ONNXNode], graphOutputs: Set<String>
  ) -> [ONNXInvertedResidual] {
    var reads: [String: Int] = [:]
    for node in nodes {
      for name in node.inputs where !name.isEmpty { reads[name, default: 0] += 1 }
    }
    var producer: [String: Int] = [:]
    for (index, chain) in chains.enumerated() { producer[chain.output] = index }
    /// The chain producing `name`, when `name` is read by exactly one node, once, and is no
    /// graph output.
    func soleProducer(_ name: String) -> Int? {
      guard reads[name] == 1, !graphOutputs.contains(name) else { return nil }
      return producer[name]
    }
    func label(_ chain: ONNXConvolutionChain) -> String { chain.summary.convolution }

    var blocks: [ONNXInvertedResidual] = []
    var used = Set<Int>()
    for (p, project) in chains.enumerated()
    where !used.contains(p) && isPointwise(project) && project.activation == .none {
      guard let d = soleProducer(project.input), !used.contains(d), isDepthwise3x3(chains[d]),
        chains[d].residual.isEmpty
      else { continue }
      let depthwise = chains[d]
      var expansion: (index: Int, chain: ONNXConvolutionChain)?
      if let e = soleProducer(depthwise.input), !used.contains(e), isPointwise(chains[e]),
        chains[e].residual.isEmpty, chains[e].weightShape[0] == depthwise.weightShape[0]
      {
        expansion = (e, chains[e])
      }
      let blockInput = expansion?.chain.input ?? depthwise.input
      guard project.residual.isEmpty || project.residual == blockInput else { continue }
      let block = ONNXInvertedResidual(
        expansion: expansion, depthwise: (d, depthwise), projection: (p, project),
        labels: (expansion.map { label($0.chain) }, label(depthwise), label(project)))
      used.formUnion(block.chainIndices)
      blocks.append(block)
    }
    return blocks
  }

  /// A 1×1 convolution, stride 1, no padding or dilation, one group.
  private static func isPointwise(_ chain: ONNXConvolutionChain) -> Bool {
    let (shape, s) = (chain.weightShape, chain.settings)
    return shape[2] == 1 && shape[3] == 1 && s.groups == 1 && s.strideHeight == 1 && s.strideWidth == 1
      && s.dilationHeight == 1 && s.dilationWidth == 1 && s.paddingTop == 0 && s.paddingBottom == 0
      && s.paddingLeft == 0 && s.paddingRight == 0
  }

  /// A 3×3 depthwise convolution (one input channel per group, as many groups as output
  /// channels), padding 1, stride 1 or 2, no dilation: what the fused kernel's depthwise runs.
  private static func isDepthwise3x3(_ chain: ONNXConvolutionChain) -> Bool {
    let (shape, s) = (chain.weightShape, chain.settings)
    return shape[1] == 1 && shape[2] == 3 && shape[3] == 3 && s.groups == shape[0]
      && s.strideHeight == s.strideWidth && (s.strideHeight == 1 || s.strideHeight == 2)
      && s.dilationHeight == 1 && s.dilationWidth == 1 && s.paddingTop == 1 && s.paddingBottom == 1
      && s.paddingLeft == 1 && s.paddingRight == 1
  }
}
