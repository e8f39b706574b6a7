import ConvNetAutograd
import ConvNetNN

/// The building blocks of DenseNet (Huang et al., CVPR 2017), laid out as torchvision's
/// `_DenseLayer`, `_DenseBlock` and `_Transition` so that their weights carry the same keys.

/// One "BN-ReLU-Conv(1×1)-BN-ReLU-Conv(3×3)" layer (DenseNet-B): it reads the concatenation of
/// all earlier feature maps of its block and contributes `growthRate` new channels.
/// Keys: `norm1`, `conv1` (1×1, bnSize·k channels, no bias), `norm2`, `conv2` (3×3, k channels).
public final class DenseLayer: Module {
  public let norm1: BatchNorm2d
  public let relu1 = ReLU()
  public let conv1: Conv2d
  public let norm2: BatchNorm2d
  public let relu2 = ReLU()
  public let conv2: Conv2d

  /// - Parameters:
  ///   - inputChannels: channels of the concatenated input.
  ///   - growthRate: k, the channels this layer adds.
  ///   - bottleneckFactor: bn_size; the 1×1 convolution has bn_size·k channels.
  public init(_ inputChannels: Int, growthRate: Int, bottleneckFactor: Int) {
    norm1 = BatchNorm2d(inputChannels)
    conv1 = Conv2d(inputChannels, bottleneckFactor * growthRate, kernelSize: 1, bias: false)
    norm2 = BatchNorm2d(bottleneckFactor * growthRate)
    conv2 = Conv2d(
      bottleneckFactor * growthRate, growthRate, kernelSize: 3, padding: 1, bias: false)
  }

  public var children: [(name: String, module: any Module)] {
    [
      ("norm1", norm1), ("relu1", relu1), ("conv1", conv1), ("norm2", norm2), ("relu2", relu2),
      ("conv2", conv2),
    ]
  }

  public func forward(_ input: Variable) -> Variable {
    conv2(relu2(norm2(conv1(relu1(norm1(input))))))
  }
}

/// `layerCount` dense layers, each fed the concatenation (along channels) of the block's input
/// and every earlier layer's output; the block returns the concatenation of all of them:
/// C + layerCount·k channels at the input's resolution. Keys `denselayer1` … `denselayerN`.
public final class DenseBlock: Module {
  public let layers: [DenseLayer]
  public let outputChannels: Int

  public init(_ inputChannels: Int, layerCount: Int, growthRate: Int, bottleneckFactor: Int) {
    layers = (0..<layerCount).map {
      DenseLayer(
        inputChannels + $0 * growthRate, growthRate: growthRate, bottleneckFactor: bottleneckFactor)
    }
    outputChannels = inputChannels + layerCount * growthRate
  }

  public var children: [(name: String, module: any Module)] {
    layers.enumerated().map { ("denselayer\($0.offset + 1)", $0.element) }
  }

  public func forward(_ input: Variable) -> Variable {
    var features = [input]
    for layer in layers { features.append(layer(concatenate(features, axis: 1))) }
    return concatenate(features, axis: 1)
  }
}

/// Between dense blocks: BN → ReLU → 1×1 convolution (compression to `outputChannels`) → 2×2
/// average pool (stride 2). Keys `norm`, `conv`.
public final class Transition: Module {
  public let norm: BatchNorm2d
  public let relu = ReLU()
  public let conv: Conv2d
  public let pool = AvgPool2d(2, stride: 2)

  public init(_ inputChannels: Int, _ outputChannels: Int) {
    norm = BatchNorm2d(inputChannels)
    conv = Conv2d(inputChannels, outputChannels, kernelSize: 1, bias: false)
  }

  public var children: [(name: String, module: any Module)] {
    [("norm", norm), ("relu", relu), ("conv", conv), ("pool", pool)]
  }

  public func forward(_ input: Variable) -> Variable { pool(conv(relu(norm(input)))) }
}
