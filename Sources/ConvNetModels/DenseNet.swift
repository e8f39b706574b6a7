import ConvNetAutograd
import ConvNetNN

/// DenseNet-BC for ImageNet-sized inputs, exactly torchvision's `densenet121` … `densenet201`
/// (keys `features.conv0`, `features.norm0`, `features.denseblock1.denselayer1.norm1`, …,
/// `features.transition1.conv`, `features.norm5`, `classifier`).
///
/// features: 7×7 convolution (stride 2, no bias) → BN → ReLU → 3×3 max pool (stride 2), then
/// dense blocks separated by transitions that halve the channels and the resolution, then a
/// final BN; the head is ReLU → global average pool → linear classifier.
///
/// Parameters for 1,000 classes (torchvision): DenseNet-121 7,978,856; DenseNet-161 28,681,000;
/// DenseNet-169 14,149,480; DenseNet-201 20,013,928. The stem divides the
/// resolution by 4 and each of the three transitions' 2×2 pools halves it (rounding down), so
/// inputs need at least 29×29 pixels (32×32 CIFAR images are fine); 28×28 MNIST digits would
/// shrink to nothing in the third transition (7 → 3 → 1 → 0) — resize or pad them to 32×32.
///
/// - Paper: G. Huang, Z. Liu, L. van der Maaten, K. Q. Weinberger, "Densely Connected
///   Convolutional Networks", CVPR 2017 (table 1).
public final class DenseNet: Module {
  /// The variants of table 1 (and torchvision's DenseNet-161).
  public enum Variant: String, CaseIterable, Sendable {
    case denseNet121, denseNet161, denseNet169, denseNet201

    /// k, the channels each dense layer adds.
    public var growthRate: Int { self == .denseNet161 ? 48 : 32 }
    /// Dense layers in each of the four blocks.
    public var blockConfiguration: [Int] {
      switch self {
      case .denseNet121: return [6, 12, 24, 16]
      case .denseNet161: return [6, 12, 36, 24]
      case .denseNet169: return [6, 12, 32, 32]
      case .denseNet201: return [6, 12, 48, 32]
      }
    }
    /// Channels of the stem convolution (2k).
    public var initialFeatures: Int { 2 * growthRate }
  }

  public let features: NamedSequential
  public let classifier: Linear
  let relu = ReLU()
  let avgpool = AdaptiveAvgPool2d(1)

  /// A network of table 1.
  public convenience init(variant: Variant, inputChannels: Int = 3, classCount: Int = 1000) {
    self.init(
      growthRate: variant.growthRate, blockConfiguration: variant.blockConfiguration,
      initialFeatures: variant.initialFeatures, inputChannels: inputChannels, classCount: classCount
    )
  }

  /// Any DenseNet-BC, with torchvision's parameters.
  ///
  /// - Parameters:
  ///   - growthRate: k (`growth_rate`).
  ///   - blockConfiguration: dense layers per block (`block_config`).
  ///   - initialFeatures: channels of the stem convolution (`num_init_features`).
  ///   - bottleneckFactor: the 1×1 convolutions have bottleneckFactor·k channels (`bn_size`).
  ///   - inputChannels: channels of the input images.
  ///   - classCount: outputs of the classifier.
  public init(
    growthRate: Int, blockConfiguration: [Int], initialFeatures: Int, bottleneckFactor: Int = 4,
    inputChannels: Int = 3, classCount: Int = 1000
  ) {
    var layers: [(String, any Module)] = [
      (
        "conv0",
        Conv2d(inputChannels, initialFeatures, kernelSize: 7, stride: 2, padding: 3, bias: false)
      ),
      ("norm0", BatchNorm2d(initialFeatures)),
      ("relu0", ReLU()),
      ("pool0", MaxPool2d(3, stride: 2, padding: 1)),
    ]
    var channels = initialFeatures
    for (index, layerCount) in blockConfiguration.enumerated() {
      let block = DenseBlock(
        channels, layerCount: layerCount, growthRate: growthRate, bottleneckFactor: bottleneckFactor
      )
      layers.append(("denseblock\(index + 1)", block))
      channels = block.outputChannels
      if index < blockConfiguration.count - 1 {
        // Compression θ = 0.5: each transition halves the channels.
        layers.append(("transition\(index + 1)", Transition(channels, channels / 2)))
        channels /= 2
      }
    }
    layers.append(("norm5", BatchNorm2d(channels)))
    features = NamedSequential(layers)
    classifier = Linear(channels, classCount)
  }

  public var children: [(name: String, module: any Module)] {
    [("features", features), ("relu", relu), ("avgpool", avgpool), ("classifier", classifier)]
  }

  public func forward(_ input: Variable) -> Variable {
    classifier(avgpool(relu(features(input))).flattened())
  }
}

/// Layers applied in order under given names (PyTorch's `nn.Sequential(OrderedDict(…))`), for
/// state-dict keys such as `features.conv0.weight`.
public final class NamedSequential: Module {
  public let layers: [(name: String, module: any Module)]

  public init(_ layers: [(String, any Module)]) {
    self.layers = layers.map { (name: $0.0, module: $0.1) }
  }

  public var children: [(name: String, module: any Module)] { layers }

  public func forward(_ input: Variable) -> Variable {
    layers.reduce(input) { x, layer in layer.module(x) }
  }
}
