import ConvNetAutograd

/// 2D convolution over [N, Cin, H, W] → [N, Cout, Hout, Wout] with PyTorch's parameters
/// `weight` [Cout, Cin/groups, kH, kW] and `bias` [Cout].
///
/// Hout = (H + 2·padding − dilation·(kH − 1) − 1) / stride + 1. `groups` splits the channels
/// into independent groups; groups = Cin = Cout is a depthwise convolution. The layer holds its
/// settings and parameters; each call runs the functional `conv2d` on the input's shape.
public final class Conv2d: ConvolutionLayer, Module, LayerPresentation {
  public let kernelSize: Size2
  public let stride: Size2
  public let padding: Padding
  public let dilation: Size2

  public init(
    _ inputChannels: Int, _ outputChannels: Int, kernelSize: Size2, stride: Size2 = 1,
    padding: Padding = 0, dilation: Size2 = 1, groups: Int = 1, bias hasBias: Bool = true,
    initialization: WeightInitialization = .pytorchDefault
  ) {
    precondition(padding != .same || stride == 1, "Conv2d: padding \"same\" needs stride 1, as in PyTorch")
    self.kernelSize = kernelSize
    self.stride = stride
    self.padding = padding
    self.dilation = dilation
    super.init(
      "Conv2d", inputChannels: inputChannels, outputChannels: outputChannels,
      kernel: [kernelSize.height, kernelSize.width], groups: groups, bias: hasBias,
      initialization: initialization)
  }

  /// A layer over `weight` and `bias` as given (no random weights drawn; see
  /// `ConvolutionLayer`'s matching init). Inside the package: the imported graphs' fused
  /// convolutions.
  package init(
    _ inputChannels: Int, _ outputChannels: Int, kernelSize: Size2, stride: Size2, padding: Padding,
    dilation: Size2, groups: Int, weight: Variable, bias: Variable?
  ) {
    precondition(padding != .same || stride == 1, "Conv2d: padding \"same\" needs stride 1, as in PyTorch")
    self.kernelSize = kernelSize
    self.stride = stride
    self.padding = padding
    self.dilation = dilation
    super.init(
      "Conv2d", inputChannels: inputChannels, outputChannels: outputChannels,
      kernel: [kernelSize.height, kernelSize.width], groups: groups, weight: weight, bias: bias)
  }

  public func forward(_ input: Variable) -> Variable {
    precondition(
      input.value.rank == 4 && input.shape[1] == inputChannels,
      "\(layerDescription): expects input [N, \(inputChannels), H, W], got \(input.shape)")
    return conv2d(
      input, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation,
      groups: groups)
  }

  public var layerDescription: String {
    var parts = ["\(inputChannels), \(outputChannels)", "kernel \(kernelSize)"]
    if stride != 1 { parts.append("stride \(stride)") }
    if padding != 0 && padding != .valid { parts.append("padding \(padding)") }
    if dilation != 1 { parts.append("dilation \(dilation)") }
    if groups != 1 { parts.append("groups \(groups)") }
    return "Conv2d(\(parts.joined(separator: ", ")))"
  }
}
