import ConvNetAutograd

/// 1D convolution over [N, Cin, L] → [N, Cout, Lout] (weight [Cout, Cin/groups, k]): each call
/// runs the functional `conv1d`, a `conv2d` over [N, Cin, 1, L].
public final class Conv1d: ConvolutionLayer, Module, LayerPresentation {
  public let kernelSize: Int
  public let stride: Int
  public let padding: Padding
  public let dilation: Int

  public init(
    _ inputChannels: Int, _ outputChannels: Int, kernelSize: Int, stride: Int = 1,
    padding: Padding = 0, dilation: Int = 1, groups: Int = 1, bias hasBias: Bool = true,
    initialization: WeightInitialization = .pytorchDefault
  ) {
    self.kernelSize = kernelSize
    self.stride = stride
    self.padding = padding
    self.dilation = dilation
    super.init(
      "Conv1d", inputChannels: inputChannels, outputChannels: outputChannels, kernel: [kernelSize],
      groups: groups, bias: hasBias, initialization: initialization)
  }

  public func forward(_ input: Variable) -> Variable {
    // The length axis is a 2-D convolution's width, so the padding is its left and right.
    let sides = padding.sides(kernel: Size2(1, kernelSize), dilation: Size2(1, dilation))
    return conv1d(
      input, weight: weight, bias: bias, stride: stride, padding: (sides.left, sides.right),
      dilation: dilation, groups: groups)
  }

  public var layerDescription: String { "Conv1d(\(inputChannels), \(outputChannels), kernel \(kernelSize))" }
}
