import ConvNetAutograd
import ConvNetNN

/// VGG as torchvision defines it: stacks of 3×3 convolutions (padding 1, optionally followed by
/// batch norm) with ReLU, separated by 2×2 max poolings, then adaptive average pooling to 7×7
/// and three fully connected layers with dropout.
///
/// Keys `features.N.weight` (conv, and `features.N+1.*` batch norm in the `_bn` variants) and
/// `classifier.0`, `classifier.3`, `classifier.6`. Parameters for 1000 classes: VGG-11
/// 132,863,336; VGG-13 133,047,848; VGG-16 138,357,544; VGG-19 143,667,240; with batch norm
/// VGG-16 138,365,992. Five 2×2 poolings need inputs of at least 32×32 (not 28×28 MNIST).
///
/// - Paper: K. Simonyan, A. Zisserman, "Very Deep Convolutional Networks for Large-Scale Image
///   Recognition", ICLR 2015 (arXiv:1409.1556), Table 1, configurations A, B, D, E.
public final class VGG: Module {
  /// One entry of a configuration: a 3×3 convolution to so many channels, or a max pooling.
  public enum Layer: Sendable, Equatable {
    case conv(Int)
    case maxPool
  }

  /// The configurations of the paper's Table 1 (torchvision's `cfgs`).
  public enum Depth: Int, Sendable, CaseIterable {
    case vgg11 = 11
    case vgg13 = 13
    case vgg16 = 16
    case vgg19 = 19

    /// Column A, B, D or E of Table 1: convolution widths, with "M" for a max pooling.
    public var layers: [Layer] {
      let table: [Int]  // 0 marks a max pooling
      switch self {
      case .vgg11: table = [64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0]
      case .vgg13: table = [64, 64, 0, 128, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0]
      case .vgg16:
        table = [64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0]
      case .vgg19:
        table = [
          64, 64, 0, 128, 128, 0, 256, 256, 256, 256, 0, 512, 512, 512, 512, 0, 512, 512, 512,
          512, 0,
        ]
      }
      return table.map { $0 == 0 ? .maxPool : .conv($0) }
    }
  }

  public let features: Sequential
  public let avgpool: AdaptiveAvgPool2d
  public let classifier: Sequential

  /// - Parameters:
  ///   - layers: the convolution/pooling sequence (`Depth.layers`, or a smaller one of the same
  ///     kind for experiments and tests).
  ///   - batchNorm: inserts BatchNorm2d after every convolution (the `_bn` models).
  ///   - classifierWidth: width of the two hidden fully connected layers (4096).
  ///   - poolSize: side of the adaptive average pooling before the classifier (7).
  public init(
    layers: [Layer], batchNorm: Bool = false, inputChannels: Int = 3, classCount: Int = 1000,
    classifierWidth: Int = 4096, poolSize: Int = 7, dropout: Float = 0.5
  ) {
    var modules: [any Module] = []
    var channels = inputChannels
    for layer in layers {
      switch layer {
      case .maxPool:
        modules.append(MaxPool2d(2, stride: 2))
      case .conv(let width):
        modules.append(Conv2d(channels, width, kernelSize: 3, padding: 1))
        if batchNorm { modules.append(BatchNorm2d(width)) }
        modules.append(ReLU())
        channels = width
      }
    }
    features = Sequential(modules)
    avgpool = AdaptiveAvgPool2d(Size2(poolSize, poolSize))
    classifier = Sequential {
      Linear(channels * poolSize * poolSize, classifierWidth)
      ReLU()
      Dropout(dropout)
      Linear(classifierWidth, classifierWidth)
      ReLU()
      Dropout(dropout)
      Linear(classifierWidth, classCount)
    }
  }

  /// A standard VGG: `VGG(depth: .vgg16, batchNorm: true, classCount: 10)`.
  public convenience init(
    depth: Depth, batchNorm: Bool = false, inputChannels: Int = 3, classCount: Int = 1000
  ) {
    self.init(
      layers: depth.layers, batchNorm: batchNorm, inputChannels: inputChannels,
      classCount: classCount)
  }

  public var children: [(name: String, module: any Module)] {
    [("features", features), ("avgpool", avgpool), ("classifier", classifier)]
  }

  public func forward(_ input: Variable) -> Variable {
    classifier(avgpool(features(input)).flattened())
  }
}
