import ConvNetKernels
import ConvNetTensor

/// 2D convolution (cross-correlation, as in every framework) of x [N, Cin, H, W] with
/// weight [Cout, Cin/groups, kH, kW] and optional bias [Cout] → [N, Cout, Hout, Wout], where
/// Hout = (H + padTop + padBottom − dilation·(kH − 1) − 1) / stride + 1.
///
/// The geometry's batch and input sizes are taken from `input`; the rest (kernel, stride,
/// padding, dilation, groups) from `geometry`.
public func conv2d(
  _ input: Variable, weight: Variable, bias: Variable?, geometry template: Conv2DGeometry
) -> Variable {
  let x = input.value
  let w = weight.value
  precondition(x.rank == 4, "conv2d: expects input [N, C, H, W], got \(x.shape)")
  var geometry = template
  geometry.batch = x.shape[0]
  geometry.inputChannels = x.shape[1]
  geometry.inputHeight = x.shape[2]
  geometry.inputWidth = x.shape[3]
  precondition(
    w.shape == [geometry.outputChannels, geometry.inputChannels / geometry.groups, geometry.kernelHeight, geometry.kernelWidth],
    "conv2d: weight \(w.shape) does not fit input \(x.shape) with groups \(geometry.groups)")
  if let problem = geometry.validate() { preconditionFailure("conv2d: \(problem)") }
  let outputShape = [geometry.batch, geometry.outputChannels, geometry.outputHeight, geometry.outputWidth]
  let output = Tensor(uninitializedShape: outputShape)
  conv2DForward(
    input: x.storage.pointer, weight: w.storage.pointer, bias: bias.map { UnsafePointer($0.value.storage.pointer) },
    output: output.storage.pointer, geometry: geometry)
  let inputs = bias.map { [input, weight, $0] } ?? [input, weight]
  return Variable.makeOutput(output, name: "conv2d", inputs: inputs) { gradient in
    var gradients: [Tensor?] = []
    if input.requiresGrad {
      let gradInput = Tensor(uninitializedShape: x.shape)
      conv2DBackwardInput(
        gradOutput: gradient.storage.pointer, weight: w.storage.pointer,
        gradInput: gradInput.storage.pointer, geometry: geometry)
      gradients.append(gradInput)
    } else {
      gradients.append(nil)
    }
    if weight.requiresGrad || (bias?.requiresGrad ?? false) {
      let gradWeight = Tensor(uninitializedShape: w.shape)
      let gradBias = bias.map { _ in Tensor(uninitializedShape: [geometry.outputChannels]) }
      conv2DBackwardWeight(
        input: x.storage.pointer, gradOutput: gradient.storage.pointer,
        gradWeight: gradWeight.storage.pointer, gradBias: gradBias?.storage.pointer,
        geometry: geometry)
      gradients.append(gradWeight)
      if let gradBias { gradients.append(gradBias) }
    } else {
      gradients.append(nil)
      if bias != nil { gradients.append(nil) }
    }
    return gradients
  }
}

/// 1D convolution of x [N, Cin, L] with weight [Cout, Cin/groups, k]: a 2D convolution with
/// height 1.
public func conv1d(
  _ input: Variable, weight: Variable, bias: Variable?, stride: Int = 1,
  padding: (before: Int, after: Int) = (0, 0), dilation: Int = 1, groups: Int = 1
) -> Variable {
  precondition(input.value.rank == 3, "conv1d: expects input [N, C, L], got \(input.shape)")
  precondition(weight.value.rank == 3, "conv1d: expects weight [Cout, Cin/groups, k], got \(weight.shape)")
  let x = input.shape
  let w = weight.shape
  let geometry = Conv2DGeometry(
    batch: x[0], inputChannels: x[1], inputHeight: 1, inputWidth: x[2], outputChannels: w[0],
    kernelHeight: 1, kernelWidth: w[2], strideHeight: 1, strideWidth: stride, paddingTop: 0,
    paddingBottom: 0, paddingLeft: padding.before, paddingRight: padding.after, dilationHeight: 1,
    dilationWidth: dilation, groups: groups)
  let output = conv2d(
    input.reshaped([x[0], x[1], 1, x[2]]), weight: weight.reshaped([w[0], w[1], 1, w[2]]),
    bias: bias, geometry: geometry)
  return output.reshaped([x[0], w[0], output.shape[3]])
}
