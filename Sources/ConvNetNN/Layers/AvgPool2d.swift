import ConvNetAutograd

/// Average pooling: the mean of each window (padding counted in the divisor unless
/// `countIncludePad` is false, as PyTorch). Each call runs the functional `avgPool2d` on the
/// input's shape.
public final class AvgPool2d: Module, LayerPresentation {
  public let kernelSize: Size2
  public let stride: Size2
  public let padding: Size2
  public let ceilMode: Bool
  public let countIncludePad: Bool

  public init(
    _ kernelSize: Size2, stride: Size2? = nil, padding: Size2 = 0, ceilMode: Bool = false,
    countIncludePad: Bool = true
  ) {
    self.kernelSize = kernelSize
    self.stride = stride ?? kernelSize
    self.padding = padding
    self.ceilMode = ceilMode
    self.countIncludePad = countIncludePad
  }

  public func forward(_ input: Variable) -> Variable {
    avgPool2d(
      input, kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode,
      countIncludePad: countIncludePad)
  }

  public var layerDescription: String {
    "AvgPool2d(\(kernelSize)\(stride != kernelSize ? ", stride \(stride)" : ""))"
  }
}
