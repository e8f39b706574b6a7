import ConvNetAutograd
import ConvNetKernels

/// Max pooling: the largest value in each kernel window. `stride` defaults to the kernel size.
/// Output size ⌊(H + 2·padding − kernel) / stride⌋ + 1 (⌈…⌉ in ceil mode). Each call runs the
/// functional `maxPool2d` with these settings on the input's shape.
public final class MaxPool2d: Module, LayerPresentation {
  public let kernelSize: Size2
  public let stride: Size2
  public let padding: Size2
  public let ceilMode: Bool

  public init(_ kernelSize: Size2, stride: Size2? = nil, padding: Size2 = 0, ceilMode: Bool = false) {
    self.kernelSize = kernelSize
    self.stride = stride ?? kernelSize
    self.padding = padding
    self.ceilMode = ceilMode
  }

  /// The window, stride, padding and rounding each call applies to its input's shape.
  public var settings: Pool2DSettings {
    Pool2DSettings(kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode)
  }

  public func forward(_ input: Variable) -> Variable { maxPool2d(input, settings: settings) }

  /// This pooling applied to relu(input), fused (what `Sequential` runs for ReLU → MaxPool2d).
  public func forwardAfterReLU(_ input: Variable) -> Variable {
    reluMaxPool2d(input, settings: settings)
  }

  public var layerDescription: String {
    "MaxPool2d(\(kernelSize)\(stride != kernelSize ? ", stride \(stride)" : "")\(padding != 0 ? ", padding \(padding)" : "")\(ceilMode ? ", ceil" : ""))"
  }
}
