import ConvNetAutograd
import ConvNetNN

/// MobileNetV3 (Small and Large) as torchvision defines it: a hardswish conv stem, inverted
/// residual blocks with optional squeeze-and-excitation and ReLU or hardswish, a 1×1 conv to
/// 6× the last block's channels, global average pooling and
/// [Linear, Hardswish, Dropout(0.2), Linear]. Batch norm uses ε = 0.001 and momentum 0.01.
///
/// Keys follow torchvision: `features.0.0.weight`, `features.N.block.K.…` (K counts the
/// block's layers, so a block without expansion starts with its depthwise conv at `block.0`),
/// `features.N.block.K.fc1.weight` for the SE layer, `classifier.0` and `classifier.3`.
/// 2,542,856 parameters (Small) and 5,483,032 (Large) for 1000 classes.
///
/// - Paper: A. Howard, M. Sandler, G. Chu, L.-C. Chen, B. Chen, M. Tan, W. Wang, Y. Zhu,
///   R. Pang, V. Vasudevan, Q. V. Le, H. Adam, "Searching for MobileNetV3", ICCV 2019
///   (arXiv:1905.02244), Tables 1 and 2.
public final class MobileNetV3: Module {
  /// One row of the paper's Tables 1–2 (torchvision's `bneck_conf`), before the width multiplier.
  public struct BlockConfiguration: Sendable {
    public let input: Int
    public let kernel: Int
    public let expanded: Int
    public let output: Int
    public let squeezeExcitation: Bool
    public let hardswish: Bool
    public let stride: Int

    init(
      _ input: Int, _ kernel: Int, _ expanded: Int, _ output: Int, _ se: Bool, _ activation: String,
      _ stride: Int
    ) {
      self.input = input
      self.kernel = kernel
      self.expanded = expanded
      self.output = output
      self.squeezeExcitation = se
      self.hardswish = activation == "HS"
      self.stride = stride
    }
  }

  public enum Variant: Sendable {
    case small, large

    /// (input, kernel, expanded, output, SE, activation: RE = ReLU / HS = hardswish, stride).
    public var blocks: [BlockConfiguration] {
      switch self {
      case .large:
        return [
          .init(16, 3, 16, 16, false, "RE", 1), .init(16, 3, 64, 24, false, "RE", 2),
          .init(24, 3, 72, 24, false, "RE", 1), .init(24, 5, 72, 40, true, "RE", 2),
          .init(40, 5, 120, 40, true, "RE", 1), .init(40, 5, 120, 40, true, "RE", 1),
          .init(40, 3, 240, 80, false, "HS", 2), .init(80, 3, 200, 80, false, "HS", 1),
          .init(80, 3, 184, 80, false, "HS", 1), .init(80, 3, 184, 80, false, "HS", 1),
          .init(80, 3, 480, 112, true, "HS", 1), .init(112, 3, 672, 112, true, "HS", 1),
          .init(112, 5, 672, 160, true, "HS", 2), .init(160, 5, 960, 160, true, "HS", 1),
          .init(160, 5, 960, 160, true, "HS", 1),
        ]
      case .small:
        return [
          .init(16, 3, 16, 16, true, "RE", 2), .init(16, 3, 72, 24, false, "RE", 2),
          .init(24, 3, 88, 24, false, "RE", 1), .init(24, 5, 96, 40, true, "HS", 2),
          .init(40, 5, 240, 40, true, "HS", 1), .init(40, 5, 240, 40, true, "HS", 1),
          .init(40, 5, 120, 48, true, "HS", 1), .init(48, 5, 144, 48, true, "HS", 1),
          .init(48, 5, 288, 96, true, "HS", 2), .init(96, 5, 576, 96, true, "HS", 1),
          .init(96, 5, 576, 96, true, "HS", 1),
        ]
      }
    }

    /// Width of the classifier's hidden layer before the width multiplier.
    public var lastChannels: Int { self == .large ? 1280 : 1024 }
  }

  /// Squeeze-and-excitation as torchvision's `SqueezeExcitation` with a hardsigmoid gate:
  /// global average pool → 1×1 conv `fc1` → ReLU → 1×1 conv `fc2` → hardsigmoid → scale
  /// the input's channels.
  public final class SqueezeExcitation: Module {
    public let fc1: Conv2d
    public let fc2: Conv2d

    public init(_ channels: Int, squeezeChannels: Int) {
      fc1 = Conv2d(channels, squeezeChannels, kernelSize: 1)
      fc2 = Conv2d(squeezeChannels, channels, kernelSize: 1)
    }

    public var children: [(name: String, module: any Module)] { [("fc1", fc1), ("fc2", fc2)] }

    public func forward(_ input: Variable) -> Variable {
      let squeezed = adaptiveAvgPool2d(input, outputHeight: 1, outputWidth: 1)
      let gates = hardsigmoid(fc2(relu(fc1(squeezed))))
      return scaleChannels(input, gates: gates)
    }
  }

  /// The bottleneck: [1×1 expand + BN + act, when expanded ≠ input] → k×k depthwise + BN +
  /// act → [SE with squeeze channels makeDivisible(expanded / 4)] → 1×1 project + BN, with a
  /// shortcut when the stride is 1 and the channel count is unchanged.
  public final class InvertedResidual: Module {
    public let block: Sequential
    public let usesShortcut: Bool

    /// `configuration` with channel counts already multiplied and rounded.
    public init(_ configuration: BlockConfiguration) {
      let c = configuration
      let activation: MobileNet.Activation = c.hardswish ? .hardswish : .relu
      var layers: [any Module] = []
      if c.expanded != c.input {
        layers.append(convBN(c.input, c.expanded, kernelSize: 1, activation: activation))
      }
      layers.append(
        convBN(
          c.expanded, c.expanded, kernelSize: c.kernel, stride: c.stride, groups: c.expanded,
          activation: activation))
      if c.squeezeExcitation {
        layers.append(
          SqueezeExcitation(
            c.expanded, squeezeChannels: MobileNet.makeDivisible(Double(c.expanded / 4))))
      }
      layers.append(convBN(c.expanded, c.output, kernelSize: 1, activation: .none))
      block = Sequential(layers)
      usesShortcut = c.stride == 1 && c.input == c.output
    }

    public var children: [(name: String, module: any Module)] { [("block", block)] }

    public func forward(_ input: Variable) -> Variable {
      usesShortcut ? block(input) + input : block(input)
    }
  }

  public let features: Sequential
  public let classifier: Sequential

  /// - Parameters:
  ///   - variant: `.small` or `.large`.
  ///   - inputChannels: channels of the input image.
  ///   - classCount: outputs of `classifier.3`.
  ///   - widthMultiplier: scales every channel count (torchvision's `_mobilenet_v3_conf`
  ///     `width_mult`), rounded with `MobileNet.makeDivisible`; the stem keeps its rounded 16.
  ///   - dropout: probability of the classifier's dropout (0.2).
  public init(
    _ variant: Variant, inputChannels: Int = 3, classCount: Int = 1000,
    widthMultiplier: Double = 1.0, dropout: Float = 0.2
  ) {
    let adjust = { (channels: Int) in MobileNet.makeDivisible(Double(channels) * widthMultiplier) }
    let blocks = variant.blocks.map {
      BlockConfiguration(
        adjust($0.input), $0.kernel, adjust($0.expanded), adjust($0.output), $0.squeezeExcitation,
        $0.hardswish ? "HS" : "RE", $0.stride)
    }
    var layers: [any Module] = [
      convBN(inputChannels, blocks[0].input, stride: 2, activation: .hardswish)
    ]
    layers += blocks.map { InvertedResidual($0) }
    let lastConvChannels = 6 * blocks[blocks.count - 1].output
    layers.append(
      convBN(
        blocks[blocks.count - 1].output, lastConvChannels, kernelSize: 1, activation: .hardswish))
    features = Sequential(layers)
    let hidden = adjust(variant.lastChannels)
    classifier = Sequential {
      Linear(lastConvChannels, hidden)
      Hardswish()
      Dropout(dropout)
      Linear(hidden, classCount)
    }
  }

  public var children: [(name: String, module: any Module)] {
    [("features", features), ("classifier", classifier)]
  }

  public func forward(_ input: Variable) -> Variable {
    let pooled = adaptiveAvgPool2d(features(input), outputHeight: 1, outputWidth: 1)
    return classifier(pooled.flattened())
  }
}

/// Conv + BN(ε 0.001, momentum 0.01) + activation: torchvision's MobileNetV3 norm layer.
private func convBN(
  _ input: Int, _ output: Int, kernelSize: Int = 3, stride: Int = 1, groups: Int = 1,
  activation: MobileNet.Activation
) -> Sequential {
  MobileNet.convBNActivation(
    input, output, kernelSize: kernelSize, stride: stride, groups: groups, activation: activation,
    batchNormMomentum: 0.01, batchNormEpsilon: 0.001)
}
