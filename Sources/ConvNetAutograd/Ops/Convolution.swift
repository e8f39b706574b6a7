import ConvNetKernels
import ConvNetTensor

/// 2D convolution (cross-correlation, as in every framework) of x [N, Cin, H, W] with
/// weight [Cout, Cin/groups, kH, kW] and optional bias [Cout] → [N, Cout, Hout, Wout], where
/// Hout = (H + padTop + padBottom − dilation·(kH − 1) − 1) / stride + 1 — PyTorch's functional
/// `conv2d`: the kernel size comes from the weight and every other size from x, so one call
/// serves any input. `padding: .same` needs stride 1, as in PyTorch.
public func conv2d(
  _ input: Variable, weight: Variable, bias: Variable? = nil, stride: Size2 = 1,
  padding: Padding = 0, dilation: Size2 = 1, groups: Int = 1
) -> Variable {
  precondition(
    weight.value.rank == 4, "conv2d: expects weight [Cout, Cin/groups, kH, kW], got \(weight.shape)")
  precondition(padding != .same || stride == 1, "conv2d: padding \"same\" needs stride 1, as in PyTorch")
  let sides = padding.sides(kernel: Size2(weight.shape[2], weight.shape[3]), dilation: dilation)
  let settings = Conv2DSettings(
    strideHeight: stride.height, strideWidth: stride.width, paddingTop: sides.top,
    paddingBottom: sides.bottom, paddingLeft: sides.left, paddingRight: sides.right,
    dilationHeight: dilation.height, dilationWidth: dilation.width, groups: groups)
  return conv2d(input, weight: weight, bias: bias, settings: settings)
}

/// `conv2d` with the stride, padding (per side), dilation and groups given as one value, e.g.
/// a known geometry's `settings`.
public func conv2d(
  _ input: Variable, weight: Variable, bias: Variable?, settings: Conv2DSettings
) -> Variable {
  let x = input.value
  let w = weight.value
  precondition(x.rank == 4, "conv2d: expects input [N, C, H, W], got \(x.shape)")
  precondition(w.rank == 4, "conv2d: expects weight [Cout, Cin/groups, kH, kW], got \(w.shape)")
  let geometry = Conv2DGeometry(input: x.shape, weight: w.shape, settings: settings)
  if let problem = geometry.validate() { preconditionFailure("conv2d: \(problem)") }
  precondition(
    w.shape[1] == geometry.inputChannels / geometry.groups,
    "conv2d: weight \(w.shape) does not fit input \(x.shape) with groups \(geometry.groups)")
  // The algorithm of every pass chosen once; the backward closure reuses the plan.
  let plan = Conv2DPlan(geometry)
  let outputShape = [geometry.batch, geometry.outputChannels, geometry.outputHeight, geometry.outputWidth]
  var output = Tensor(uninitializedShape: outputShape)
  conv2DForward(
    input: x.readOnlyElements, weight: w.readOnlyElements, bias: bias?.value.readOnlyElements,
    output: output.uniqueElements(), plan: plan)
  let inputs = bias.map { [input, weight, $0] } ?? [input, weight]
  return Variable.makeOutput(output, name: "conv2d", inputs: inputs, traced: .conv2d(settings)) { gradient in
    var gradients: [Tensor?] = []
    if input.requiresGrad {
      var gradInput = Tensor(uninitializedShape: x.shape)
      conv2DBackwardInput(
        gradOutput: gradient.readOnlyElements, weight: w.readOnlyElements,
        gradInput: gradInput.uniqueElements(), plan: plan)
      gradients.append(gradInput)
    } else {
      gradients.append(nil)
    }
    if weight.requiresGrad || (bias?.requiresGrad ?? false) {
      var gradWeight = Tensor(uninitializedShape: w.shape)
      var gradBias = bias.map { _ in Tensor(uninitializedShape: [geometry.outputChannels]) }
      conv2DBackwardWeight(
        input: x.readOnlyElements, gradOutput: gradient.readOnlyElements,
        gradWeight: gradWeight.uniqueElements(), gradBias: gradBias?.uniqueElements(), plan: plan)
      gradients.append(gradWeight)
      if let gradBias { gradients.append(gradBias) }
    } else {
      gradients.append(nil)
      if bias != nil { gradients.append(nil) }
    }
    return gradients
  }
}

/// 1D convolution of x [N, Cin, L] with weight [Cout, Cin/groups, k]: a 2D convolution of
/// x [N, Cin, 1, L] with weight [Cout, Cin/groups, 1, k].
public func conv1d(
  _ input: Variable, weight: Variable, bias: Variable?, stride: Int = 1,
  padding: (before: Int, after: Int) = (0, 0), dilation: Int = 1, groups: Int = 1
) -> Variable {
  precondition(input.value.rank == 3, "conv1d: expects input [N, C, L], got \(input.shape)")
  precondition(weight.value.rank == 3, "conv1d: expects weight [Cout, Cin/groups, k], got \(weight.shape)")
  let x = input.shape
  let w = weight.shape
  let settings = Conv2DSettings(
    strideHeight: 1, strideWidth: stride, paddingLeft: padding.before, paddingRight: padding.after,
    dilationWidth: dilation, groups: groups)
  let output = conv2d(
    input.reshaped([x[0], x[1], 1, x[2]]), weight: weight.reshaped([w[0], w[1], 1, w[2]]),
    bias: bias, settings: settings)
  return output.reshaped([x[0], w[0], output.shape[3]])
}
