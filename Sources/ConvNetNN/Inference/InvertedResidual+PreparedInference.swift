import ConvNetAutograd
import ConvNetKernels
import ConvNetTensor

/// One convolution of a fused block: the layer, the batch norm folded into it, the activation
/// after them.
public struct PreparedConvolutionStep {
  public let convolution: Conv2d
  public let batchNorm: BatchNorm?
  public let activation: FusedActivation

  public init(_ convolution: Conv2d, batchNorm: BatchNorm? = nil, activation: FusedActivation = .none) {
    self.convolution = convolution
    self.batchNorm = batchNorm
    self.activation = activation
  }
}

/// MobileNetV2's inverted residual block — `expand` (1×1, optional) → `depthwise` (3×3) →
/// `project` (1×1, no activation), plus the input when `addingInput` — as one prepared pass over
/// bands of rows, or for small images at a small batch by slices of channels
/// (`invertedResidualForward`): the expanded activation never exists whole. Each convolution's
/// prepared form comes from its own inference cache, so a parameter write is noticed as for a
/// single prepared convolution. Returns nil (having computed nothing) when prepared inference
/// does not apply now (`PreparedInference.applies`) or the kernel does not take this input
/// (other shapes); the caller then runs the layers. The result records no gradient.
public func preparedInvertedResidual(
  _ input: Variable, expand: PreparedConvolutionStep?, depthwise: PreparedConvolutionStep,
  project: PreparedConvolutionStep, addingInput: Bool
) -> Variable? {
  let steps = [expand, depthwise, project].compactMap { $0 }
  guard project.activation == .none, PreparedInference.applies(foldingBatchNorms: steps.map(\.batchNorm))
  else { return nil }
  let x = input.value
  guard x.rank == 4 else { return nil }
  // Channel counts must chain (the kernel reads the weights' shapes, and a batch norm of the
  // wrong width cannot be folded): anything else runs the layers, which report the problem.
  var channels = x.shape[1]
  for step in steps {
    guard step.convolution.inputChannels == channels,
      step.batchNorm.map({ $0.features == step.convolution.outputChannels }) ?? true
    else { return nil }
    channels = step.convolution.outputChannels
  }
  func prepared(_ step: PreparedConvolutionStep) -> PreparedConv2D {
    step.convolution.inferenceCache.prepared(step.convolution, foldingBatchNorm: step.batchNorm)
  }
  let block = InvertedResidualConvolutions(
    expand: expand.map(prepared), expandActivation: expand?.activation ?? .none,
    depthwise: prepared(depthwise), depthwiseActivation: depthwise.activation,
    project: prepared(project))
  guard let outputShape = block.outputShape(input: x.shape),
    !addingInput || outputShape == x.shape
  else { return nil }
  var output = Tensor(uninitializedShape: outputShape)
  let done = invertedResidualForward(
    block, input: x.readOnlyElements, shape: x.shape, addingInput: addingInput,
    output: output.uniqueElements())
  return done ? Variable(output) : nil
}
