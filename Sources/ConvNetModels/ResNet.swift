import ConvNetAutograd
import ConvNetNN

/// ResNet for ImageNet-sized inputs, exactly torchvision's `resnet18` … `resnet152`
/// (state-dict keys `conv1`, `bn1`, `layer1.0.conv1`, `layer1.0.downsample.0`, …, `fc`).
///
/// Stem: 7×7 convolution (stride 2) → batch norm → ReLU → 3×3 max pool (stride 2); four stages
/// of residual blocks with widths w, 2w, 4w, 8w (w = 64), the first block of stages 2–4 halving
/// the resolution; global average pooling; a linear classifier. Bottleneck blocks put the stride
/// on their 3×3 convolution ("ResNet v1.5", as torchvision).
///
/// Parameters for 1,000 classes: ResNet-18 11,689,512; ResNet-34 21,797,672; ResNet-50
/// 25,557,032; ResNet-101 44,549,160; ResNet-152 60,192,808 (torchvision's documented counts).
/// Global pooling makes any input of at least 1×1 after the five halvings work, including
/// 1×28×28 (7×7 after the stem, 1×1 in stage 4).
///
/// - Paper: K. He, X. Zhang, S. Ren, J. Sun, "Deep Residual Learning for Image Recognition",
///   CVPR 2016 (table 1 for the depths).
public final class ResNet: Module {
  /// Which residual block a network is built from.
  public enum BlockKind: Sendable {
    /// Two 3×3 convolutions, expansion 1.
    case basic
    /// 1×1 → 3×3 → 1×1, expansion 4.
    case bottleneck

    public var expansion: Int { self == .basic ? BasicBlock.expansion : Bottleneck.expansion }
  }

  /// The depths of table 1 of the paper.
  public enum Depth: String, CaseIterable, Sendable {
    case resNet18, resNet34, resNet50, resNet101, resNet152

    public var blockKind: BlockKind {
      switch self {
      case .resNet18, .resNet34: return .basic
      case .resNet50, .resNet101, .resNet152: return .bottleneck
      }
    }

    /// Blocks in each of the four stages.
    public var layerBlockCounts: [Int] {
      switch self {
      case .resNet18: return [2, 2, 2, 2]
      case .resNet34: return [3, 4, 6, 3]
      case .resNet50: return [3, 4, 6, 3]
      case .resNet101: return [3, 4, 23, 3]
      case .resNet152: return [3, 8, 36, 3]
      }
    }
  }

  public let conv1: Conv2d
  public let bn1: BatchNorm2d
  /// The stem's max pool (nil with the CIFAR stem).
  public let maxpool: MaxPool2d?
  /// The four stages (`layer1` … `layer4`).
  public let layers: [Sequential]
  public let avgpool = AdaptiveAvgPool2d(1)
  public let fc: Linear
  let relu = ReLU()

  /// The layers before the first stage.
  public enum Stem: Sendable {
    /// 7×7 convolution, stride 2, then 3×3 max pooling, stride 2 (torchvision, 224×224 input).
    case imageNet
    /// 3×3 convolution, stride 1, no pooling: the variant CIFAR-10 training scripts use for
    /// 32×32 input (e.g. kuangliu's pytorch-cifar), stages at 32, 16, 8 and 4 pixels.
    case cifar
  }

  /// A network of the paper's table 1.
  ///
  /// - Parameters:
  ///   - depth: 18, 34, 50, 101 or 152 layers.
  ///   - inputChannels: channels of the input images (3 for RGB).
  ///   - classCount: outputs of `fc`.
  ///   - width: channels of the stem and the first stage (64 in the paper; smaller values give
  ///     the same structure in miniature, e.g. for tests).
  ///   - squeezeExcitation: add SE modules to bottleneck blocks (SE-ResNet, see `SEResNet.swift`).
  ///   - stem: `.imageNet` (torchvision) or `.cifar` (3×3 stride-1 convolution, no max pool).
  public convenience init(
    depth: Depth, inputChannels: Int = 3, classCount: Int = 1000, width: Int = 64,
    squeezeExcitation: Bool = false, stem: Stem = .imageNet
  ) {
    self.init(
      blockKind: depth.blockKind, layerBlockCounts: depth.layerBlockCounts,
      inputChannels: inputChannels, classCount: classCount, width: width,
      squeezeExcitation: squeezeExcitation, stem: stem)
  }

  /// Any stage layout: `blockKind` blocks, `layerBlockCounts[i]` of them in stage i + 1.
  public init(
    blockKind: BlockKind, layerBlockCounts: [Int], inputChannels: Int = 3,
    classCount: Int = 1000, width: Int = 64, squeezeExcitation: Bool = false,
    stem: Stem = .imageNet
  ) {
    precondition(
      layerBlockCounts.count == 4 && layerBlockCounts.allSatisfy { $0 > 0 },
      "ResNet: needs four stages of at least one block, got \(layerBlockCounts)")
    precondition(
      !squeezeExcitation || blockKind == .bottleneck,
      "ResNet: squeeze-and-excitation is defined here for bottleneck blocks only")
    switch stem {
    case .imageNet:
      conv1 = Conv2d(inputChannels, width, kernelSize: 7, stride: 2, padding: 3, bias: false)
      maxpool = MaxPool2d(3, stride: 2, padding: 1)
    case .cifar:
      conv1 = Conv2d(inputChannels, width, kernelSize: 3, padding: 1, bias: false)
      maxpool = nil
    }
    bn1 = BatchNorm2d(width)
    var channels = width
    var stages: [Sequential] = []
    for (stage, blockCount) in layerBlockCounts.enumerated() {
      let stageWidth = width << stage
      var blocks: [any Module] = []
      for index in 0..<blockCount {
        let stride = stage > 0 && index == 0 ? 2 : 1
        switch blockKind {
        case .basic:
          let shortcut =
            stride != 1 || channels != stageWidth
            ? projectionShortcut(channels, stageWidth, stride: stride) : nil
          blocks.append(BasicBlock(channels, stageWidth, stride: stride, shortcut: shortcut))
        case .bottleneck:
          blocks.append(
            Bottleneck(channels, stageWidth, stride: stride, squeezeExcitation: squeezeExcitation))
        }
        channels = stageWidth * blockKind.expansion
      }
      stages.append(Sequential(blocks))
    }
    layers = stages
    fc = Linear(channels, classCount)
  }

  public var children: [(name: String, module: any Module)] {
    [("conv1", conv1), ("bn1", bn1), ("relu", relu)] + (maxpool.map { [("maxpool", $0)] } ?? [])
      + layers.enumerated().map { ("layer\($0.offset + 1)", $0.element) }
      + [("avgpool", avgpool), ("fc", fc)]
  }

  public func forward(_ input: Variable) -> Variable {
    var x =
      PreparedInference.applies(foldingBatchNorms: [bn1])
      ? conv1.preparedForward(input, foldingBatchNorm: bn1, activation: .relu)
      : relu(bn1(conv1(input)))
    if let maxpool { x = maxpool(x) }
    for stage in layers { x = stage(x) }
    return fc(avgpool(x).flattened())
  }
}
