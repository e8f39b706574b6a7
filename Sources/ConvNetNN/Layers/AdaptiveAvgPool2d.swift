import ConvNetAutograd

/// Average pooling to a fixed output size; `AdaptiveAvgPool2d(1)` is global average pooling.
public final class AdaptiveAvgPool2d: Module, LayerPresentation {
  public let outputSize: Size2
  public init(_ outputSize: Size2) { self.outputSize = outputSize }

  public func forward(_ input: Variable) -> Variable {
    adaptiveAvgPool2d(input, outputHeight: outputSize.height, outputWidth: outputSize.width)
  }
  public var layerDescription: String { "AdaptiveAvgPool2d(\(outputSize))" }
}
