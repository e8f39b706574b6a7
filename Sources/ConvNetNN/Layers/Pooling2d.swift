import ConvNetAutograd
import ConvNetKernels
import ConvNetTensor

/// Max pooling: the largest value in each kernel window. `stride` defaults to the kernel size.
/// Output size ⌊(H + 2·padding − kernel) / stride⌋ + 1 (⌈…⌉ in ceil mode).
public final class MaxPool2d: Module {
  public let kernelSize: Size2
  public let stride: Size2
  public let padding: Size2
  public let ceilMode: Bool
  public var isTraining = true

  public init(_ kernelSize: Size2, stride: Size2? = nil, padding: Size2 = 0, ceilMode: Bool = false) {
    self.kernelSize = kernelSize
    self.stride = stride ?? kernelSize
    self.padding = padding
    self.ceilMode = ceilMode
  }

  var geometry: Pool2DGeometry {
    Pool2DGeometry(
      batch: 1, channels: 1, inputHeight: 1, inputWidth: 1, kernelHeight: kernelSize.height,
      kernelWidth: kernelSize.width, strideHeight: stride.height, strideWidth: stride.width,
      paddingHeight: padding.height, paddingWidth: padding.width, ceilMode: ceilMode)
  }

  public func forward(_ input: Variable) -> Variable { maxPool2d(input, geometry: geometry) }

  /// This pooling applied to relu(input), fused (what `Sequential` runs for ReLU → MaxPool2d).
  public func forwardAfterReLU(_ input: Variable) -> Variable {
    reluMaxPool2d(input, geometry: geometry)
  }

  public var layerDescription: String {
    "MaxPool2d(\(kernelSize)\(stride != kernelSize ? ", stride \(stride)" : "")\(padding != 0 ? ", padding \(padding)" : "")\(ceilMode ? ", ceil" : ""))"
  }
}

/// Average pooling: the mean of each window (padding counted in the divisor unless
/// `countIncludePad` is false, as PyTorch).
public final class AvgPool2d: Module {
  public let kernelSize: Size2
  public let stride: Size2
  public let padding: Size2
  public let ceilMode: Bool
  public let countIncludePad: Bool
  public var isTraining = true

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
    let geometry = Pool2DGeometry(
      batch: 1, channels: 1, inputHeight: 1, inputWidth: 1, kernelHeight: kernelSize.height,
      kernelWidth: kernelSize.width, strideHeight: stride.height, strideWidth: stride.width,
      paddingHeight: padding.height, paddingWidth: padding.width, ceilMode: ceilMode)
    return avgPool2d(input, geometry: geometry, countIncludePad: countIncludePad)
  }

  public var layerDescription: String {
    "AvgPool2d(\(kernelSize)\(stride != kernelSize ? ", stride \(stride)" : ""))"
  }
}

/// Average pooling to a fixed output size; `AdaptiveAvgPool2d(1)` is global average pooling.
public final class AdaptiveAvgPool2d: Module {
  public let outputSize: Size2
  public var isTraining = true
  public init(_ outputSize: Size2) { self.outputSize = outputSize }

  public func forward(_ input: Variable) -> Variable {
    adaptiveAvgPool2d(input, outputHeight: outputSize.height, outputWidth: outputSize.width)
  }
  public var layerDescription: String { "AdaptiveAvgPool2d(\(outputSize))" }
}
