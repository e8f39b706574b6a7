import ConvNetAutograd
import ConvNetNN

/// The two residual blocks of ResNet (He et al., "Deep Residual Learning for Image
/// Recognition", CVPR 2016), laid out as torchvision's `BasicBlock` and `Bottleneck` so that
/// their weights carry the same keys (`conv1`, `bn1`, …, `downsample.0`, `downsample.1`).

/// The projection shortcut used when a block changes resolution or width: a strided 1×1
/// convolution and batch norm (torchvision's `downsample`, the paper's option B).
func projectionShortcut(_ inputChannels: Int, _ outputChannels: Int, stride: Int) -> Sequential {
  Sequential {
    Conv2d(inputChannels, outputChannels, kernelSize: 1, stride: Size2(stride, stride), bias: false)
    BatchNorm2d(outputChannels)
  }
}

/// Two 3×3 convolutions with batch norm, added to the (possibly projected) input:
/// y = relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)). Used by ResNet-18/34 and the CIFAR
/// ResNets. Output channels = `channels` (expansion 1).
public final class BasicBlock: Module {
  public static let expansion = 1
  public let conv1: Conv2d
  public let bn1: BatchNorm2d
  public let conv2: Conv2d
  public let bn2: BatchNorm2d
  /// The shortcut when the block changes shape; nil for the identity.
  public let downsample: (any Module)?
  /// The name of `downsample` among the children: "downsample" (torchvision) or "shortcut".
  let shortcutName: String
  let relu = ReLU()

  /// - Parameters:
  ///   - inputChannels: channels of the block's input.
  ///   - channels: channels of both convolutions and of the output.
  ///   - stride: stride of the first convolution (2 halves the resolution).
  ///   - shortcut: the module that maps the input to the output's shape, or nil for identity.
  ///   - shortcutName: its state-dict name.
  public init(
    _ inputChannels: Int, _ channels: Int, stride: Int = 1, shortcut: (any Module)? = nil,
    shortcutName: String = "downsample"
  ) {
    conv1 = Conv2d(
      inputChannels, channels, kernelSize: 3, stride: Size2(stride, stride), padding: 1, bias: false
    )
    bn1 = BatchNorm2d(channels)
    conv2 = Conv2d(channels, channels, kernelSize: 3, padding: 1, bias: false)
    bn2 = BatchNorm2d(channels)
    downsample = shortcut
    self.shortcutName = shortcutName
  }

  public var children: [(name: String, module: any Module)] {
    var list: [(name: String, module: any Module)] = [
      ("conv1", conv1), ("bn1", bn1), ("relu", relu), ("conv2", conv2), ("bn2", bn2),
    ]
    if let downsample { list.append((shortcutName, downsample)) }
    return list
  }

  public func forward(_ input: Variable) -> Variable {
    if PreparedInference.applies(foldingBatchNorms: [bn1, bn2]) {
      // Batch norms folded, ReLUs and the addition in the convolutions' epilogues.
      let branch = conv1.preparedForward(input, foldingBatchNorm: bn1, activation: .relu)
      let shortcut = downsample.map { $0(input) } ?? input
      return conv2.preparedForward(
        branch, foldingBatchNorm: bn2, residual: shortcut, activation: .relu)
    }
    let residual = bn2(conv2(relu(bn1(conv1(input)))))
    let shortcut = downsample.map { $0(input) } ?? input
    return relu(residual + shortcut)
  }
}

/// 1×1 reduce → 3×3 (strided, "ResNet v1.5" as torchvision) → 1×1 expand, each with batch norm,
/// added to the (possibly projected) input. Output channels = 4·`channels`. With `se` set
/// (SENet), the expanded branch is rescaled per channel before the addition.
public final class Bottleneck: Module {
  public static let expansion = 4
  public let conv1: Conv2d
  public let bn1: BatchNorm2d
  public let conv2: Conv2d
  public let bn2: BatchNorm2d
  public let conv3: Conv2d
  public let bn3: BatchNorm2d
  /// Squeeze-and-excitation of the branch (timm's `se`), or nil for a plain ResNet.
  public let se: SqueezeExcitation?
  public let downsample: Sequential?
  let relu = ReLU()

  /// - Parameters:
  ///   - inputChannels: channels of the block's input.
  ///   - channels: the bottleneck width; the output has `4·channels`.
  ///   - stride: stride of the 3×3 convolution.
  ///   - squeezeExcitation: add an SE module (reduction 16) after the last batch norm.
  public init(
    _ inputChannels: Int, _ channels: Int, stride: Int = 1, squeezeExcitation: Bool = false
  ) {
    let outputChannels = channels * Self.expansion
    conv1 = Conv2d(inputChannels, channels, kernelSize: 1, bias: false)
    bn1 = BatchNorm2d(channels)
    conv2 = Conv2d(
      channels, channels, kernelSize: 3, stride: Size2(stride, stride), padding: 1, bias: false)
    bn2 = BatchNorm2d(channels)
    conv3 = Conv2d(channels, outputChannels, kernelSize: 1, bias: false)
    bn3 = BatchNorm2d(outputChannels)
    se = squeezeExcitation ? SqueezeExcitation(outputChannels) : nil
    downsample =
      stride != 1 || inputChannels != outputChannels
      ? projectionShortcut(inputChannels, outputChannels, stride: stride) : nil
  }

  public var children: [(name: String, module: any Module)] {
    var list: [(name: String, module: any Module)] = [
      ("conv1", conv1), ("bn1", bn1), ("relu", relu), ("conv2", conv2), ("bn2", bn2),
      ("conv3", conv3), ("bn3", bn3),
    ]
    if let se { list.append(("se", se)) }
    if let downsample { list.append(("downsample", downsample)) }
    return list
  }

  public func forward(_ input: Variable) -> Variable {
    if PreparedInference.applies(foldingBatchNorms: [bn1, bn2, bn3]) {
      // Batch norms folded, ReLUs and (without SE) the addition in the convolutions' epilogues.
      var branch = conv1.preparedForward(input, foldingBatchNorm: bn1, activation: .relu)
      branch = conv2.preparedForward(branch, foldingBatchNorm: bn2, activation: .relu)
      let shortcut = downsample.map { $0(input) } ?? input
      guard let se else {
        return conv3.preparedForward(
          branch, foldingBatchNorm: bn3, residual: shortcut, activation: .relu)
      }
      branch = se(conv3.preparedForward(branch, foldingBatchNorm: bn3))
      return relu(branch + shortcut)
    }
    var branch = relu(bn1(conv1(input)))
    branch = relu(bn2(conv2(branch)))
    branch = bn3(conv3(branch))
    if let se { branch = se(branch) }
    let shortcut = downsample.map { $0(input) } ?? input
    return relu(branch + shortcut)
  }
}
