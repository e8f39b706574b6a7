import ConvNetKernels
import ConvNetTensor

// Pooling over [N, C, H, W], PyTorch's functional `max_pool2d` / `avg_pool2d` /
// `adaptive_avg_pool2d`: each call takes its sizes from its input, and the window, stride,
// padding and rounding either as arguments (`kernelSize:` …) or as one `Pool2DSettings` value.

extension Pool2DSettings {
  /// Settings from PyTorch-style arguments: `stride` defaults to the kernel size.
  public init(kernelSize: Size2, stride: Size2? = nil, padding: Size2 = 0, ceilMode: Bool = false) {
    let stride = stride ?? kernelSize
    self.init(
      kernelHeight: kernelSize.height, kernelWidth: kernelSize.width, strideHeight: stride.height,
      strideWidth: stride.width, paddingHeight: padding.height, paddingWidth: padding.width,
      ceilMode: ceilMode)
  }
}

/// Max pooling over [N, C, H, W]; the gradient goes to the position of each window's maximum
/// (the course's "upsampling of the residuals" for max pooling). `stride` defaults to the
/// kernel size; output size ⌊(H + 2·padding − kernel) / stride⌋ + 1 (⌈…⌉ in ceil mode).
public func maxPool2d(
  _ input: Variable, kernelSize: Size2, stride: Size2? = nil, padding: Size2 = 0,
  ceilMode: Bool = false
) -> Variable {
  maxPool2d(
    input,
    settings: Pool2DSettings(kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode))
}

/// `maxPool2d` with the window, stride, padding and rounding given as one value.
public func maxPool2d(_ input: Variable, settings: Pool2DSettings) -> Variable {
  maxPool2d(input, settings: settings, applyingReLU: false)
}

/// Max pooling of relu(input), fused: the same values and gradients as
/// `maxPool2d(relu(input), settings:)`, in one pass and without the rectified copy of the input
/// (max and ReLU commute, and the ReLU's derivative — 0 where the pooled value is ≤ 0 — is
/// applied while routing the gradient to the window maxima). `Sequential` uses it for a ReLU
/// followed by a MaxPool2d, the LeNet/VGG pattern.
public func reluMaxPool2d(_ input: Variable, settings: Pool2DSettings) -> Variable {
  maxPool2d(input, settings: settings, applyingReLU: true)
}

/// The shared body of `maxPool2d` and `reluMaxPool2d`.
private func maxPool2d(
  _ input: Variable, settings: Pool2DSettings, applyingReLU: Bool
) -> Variable {
  let name = applyingReLU ? "reluMaxPool2d" : "maxPool2d"
  let geometry = poolGeometry(settings, for: input.value, name: name)
  let outputShape = [geometry.batch, geometry.channels, geometry.outputHeight, geometry.outputWidth]
  var output = Tensor(uninitializedShape: outputShape)
  let traced = TracedOperation.maxPool2d(settings, relu: applyingReLU)
  let nodeName = applyingReLU ? "relu_max_pool2d" : "max_pool2d"
  guard GradientMode.isEnabled, input.requiresGrad else {
    // No graph will be recorded (makeOutput's own test), so no backward will need the argmax
    // indices: the values-only kernel, which neither computes nor stores them.
    maxPool2DForwardValues(
      input: input.value.readOnlyElements, output: output.uniqueElements(), geometry: geometry,
      applyingReLU: applyingReLU)
    return Variable.makeOutput(output, name: nodeName, inputs: [input], traced: traced) { _ in
      preconditionFailure("\(name): backward of an output recorded without gradients")
    }
  }
  let indexOwner = IndexBuffer(count: output.count)
  maxPool2DForward(
    input: input.value.readOnlyElements, output: output.uniqueElements(),
    indices: indexOwner.buffer.baseAddress!, geometry: geometry, applyingReLU: applyingReLU)
  let inputShape = input.shape
  return Variable.makeOutput(output, name: nodeName, inputs: [input], traced: traced) { [output] gradient in
    var gradInput = Tensor(uninitializedShape: inputShape)
    maxPool2DBackward(
      gradOutput: gradient.readOnlyElements, indices: indexOwner.buffer.baseAddress!,
      gradInput: gradInput.uniqueElements(), geometry: geometry,
      reluOutput: applyingReLU ? output.readOnlyElements : nil)
    return [gradInput]
  }
}

/// Owns the argmax indices a max-pool backward needs, freed with the graph (into
/// `BufferCache`, like tensors, so that steady training steps reuse them).
final class IndexBuffer {
  let buffer: UnsafeMutableBufferPointer<Int32>
  private var byteCount: Int { max(1, buffer.count) * MemoryLayout<Int32>.stride }

  init(count: Int) {
    let raw = BufferCache.allocate(byteCount: max(1, count) * MemoryLayout<Int32>.stride)
    buffer = UnsafeMutableBufferPointer(
      start: raw.bindMemory(to: Int32.self, capacity: max(1, count)), count: count)
  }

  deinit { BufferCache.deallocate(UnsafeMutableRawPointer(buffer.baseAddress!), byteCount: byteCount) }
}

/// Average pooling over [N, C, H, W]; the gradient is spread evenly over each window. Padding
/// counts in the divisor unless `countIncludePad` is false, as in PyTorch.
public func avgPool2d(
  _ input: Variable, kernelSize: Size2, stride: Size2? = nil, padding: Size2 = 0,
  ceilMode: Bool = false, countIncludePad: Bool = true
) -> Variable {
  avgPool2d(
    input,
    settings: Pool2DSettings(kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode),
    countIncludePad: countIncludePad)
}

/// `avgPool2d` with the window, stride, padding and rounding given as one value.
public func avgPool2d(_ input: Variable, settings: Pool2DSettings, countIncludePad: Bool = true)
  -> Variable
{
  let geometry = poolGeometry(settings, for: input.value, name: "avgPool2d")
  let outputShape = [geometry.batch, geometry.channels, geometry.outputHeight, geometry.outputWidth]
  var output = Tensor(uninitializedShape: outputShape)
  avgPool2DForward(
    input: input.value.readOnlyElements, output: output.uniqueElements(), geometry: geometry,
    countIncludePad: countIncludePad)
  let inputShape = input.shape
  return Variable.makeOutput(
    output, name: "avg_pool2d", inputs: [input],
    traced: .avgPool2d(settings, countIncludePad: countIncludePad)
  ) { gradient in
    var gradInput = Tensor(uninitializedShape: inputShape)
    avgPool2DBackward(
      gradOutput: gradient.readOnlyElements, gradInput: gradInput.uniqueElements(),
      geometry: geometry, countIncludePad: countIncludePad)
    return [gradInput]
  }
}

/// Adaptive average pooling to a fixed output size (PyTorch's bins); (1, 1) is global
/// average pooling.
public func adaptiveAvgPool2d(_ input: Variable, outputHeight: Int, outputWidth: Int) -> Variable {
  let x = input.shape
  precondition(x.count == 4, "adaptiveAvgPool2d: expects [N, C, H, W], got \(x)")
  var output = Tensor(uninitializedShape: [x[0], x[1], outputHeight, outputWidth])
  adaptiveAvgPool2DForward(
    input: input.value.readOnlyElements, output: output.uniqueElements(), batch: x[0],
    channels: x[1], inputHeight: x[2], inputWidth: x[3], outputHeight: outputHeight,
    outputWidth: outputWidth)
  return Variable.makeOutput(
    output, name: "adaptive_avg_pool2d", inputs: [input],
    traced: .adaptiveAvgPool2d(outputHeight: outputHeight, outputWidth: outputWidth)
  ) { gradient in
    var gradInput = Tensor(uninitializedShape: x)
    adaptiveAvgPool2DBackward(
      gradOutput: gradient.readOnlyElements, gradInput: gradInput.uniqueElements(), batch: x[0],
      channels: x[1], inputHeight: x[2], inputWidth: x[3], outputHeight: outputHeight,
      outputWidth: outputWidth)
    return [gradInput]
  }
}

/// The geometry of one call: `settings` applied to x's shape, checked.
private func poolGeometry(_ settings: Pool2DSettings, for x: Tensor, name: String) -> Pool2DGeometry {
  precondition(x.rank == 4, "\(name): expects [N, C, H, W], got \(x.shape)")
  let geometry = Pool2DGeometry(input: x.shape, settings: settings)
  if let problem = geometry.validate() { preconditionFailure("\(name): \(problem)") }
  return geometry
}
