import ConvNetAutograd
import ConvNetNN
import ConvNetTensor

/// The CIFAR-10 ResNets of section 4.2 of He et al.: a 3×3 convolution to 16 channels, three
/// stages of n basic blocks with 16, 32 and 64 channels (the first block of stages 2 and 3
/// halving the resolution), global average pooling and a linear classifier — 6n + 2 layers.
/// ResNet-20 is n = 3 (269,722 parameters for 10 classes, the paper's "0.27M"), ResNet-56
/// is n = 9 (853,018). (Option-B projections would add 2,752: 272,474 and 855,770.)
///
/// Shortcuts are the paper's option A, as in its CIFAR experiments: identity, and where a block
/// changes shape a parameter-free `ZeroPadShortcut` (strided subsampling and zero channels).
///
/// State-dict keys follow the widely used PyTorch port (Yerlan Idelbayev's
/// `pytorch_resnet_cifar10`): `conv1`, `bn1`, `layer1.0.conv1`, `layer1.0.bn1`,
/// `layer1.0.conv2`, `layer1.0.bn2`, … `layer3.2.bn2`, except that the classifier is called
/// `fc` (that port says `linear`), as in torchvision's ResNets. The option-A shortcuts hold no
/// weights, so they add no keys.
///
/// Works for any input of at least 1×1 after two halvings (32×32 CIFAR, 28×28 MNIST).
///
/// - Paper: K. He, X. Zhang, S. Ren, J. Sun, "Deep Residual Learning for Image Recognition",
///   CVPR 2016, section 4.2.
public final class CIFARResNet: Module {
  /// Blocks per stage, n (depth 6n + 2).
  public let blocksPerStage: Int
  public let conv1: Conv2d
  public let bn1: BatchNorm2d
  public let layers: [Sequential]
  public let avgpool = AdaptiveAvgPool2d(1)
  public let fc: Linear
  let relu = ReLU()

  /// - Parameters:
  ///   - depth: 6n + 2 (20, 32, 44, 56, 110, …).
  ///   - inputChannels: channels of the input images.
  ///   - classCount: outputs of `fc`.
  public init(depth: Int, inputChannels: Int = 3, classCount: Int = 10) {
    precondition(
      depth >= 8 && (depth - 2) % 6 == 0, "CIFARResNet: depth must be 6n + 2, got \(depth)")
    blocksPerStage = (depth - 2) / 6
    conv1 = Conv2d(inputChannels, 16, kernelSize: 3, padding: 1, bias: false)
    bn1 = BatchNorm2d(16)
    var channels = 16
    var stages: [Sequential] = []
    for stageWidth in [16, 32, 64] {
      var blocks: [any Module] = []
      for index in 0..<blocksPerStage {
        let stride = stageWidth != 16 && index == 0 ? 2 : 1
        let shortcut =
          stride != 1 || channels != stageWidth
          ? ZeroPadShortcut(channels, stageWidth, stride: stride) : nil
        blocks.append(
          BasicBlock(
            channels, stageWidth, stride: stride, shortcut: shortcut, shortcutName: "shortcut"))
        channels = stageWidth
      }
      stages.append(Sequential(blocks))
    }
    layers = stages
    fc = Linear(64, classCount)
  }

  public var children: [(name: String, module: any Module)] {
    [("conv1", conv1), ("bn1", bn1), ("relu", relu)]
      + layers.enumerated().map { ("layer\($0.offset + 1)", $0.element) }
      + [("avgpool", avgpool), ("fc", fc)]
  }

  public func forward(_ input: Variable) -> Variable {
    var x = relu(bn1(conv1(input)))
    for stage in layers { x = stage(x) }
    return fc(avgpool(x).flattened())
  }
}

/// The paper's option-A shortcut: keeps every `stride`-th pixel (x[:, :, ::s, ::s]) and pads the
/// channels with zeros, ⌊(out − in)/2⌋ before and the rest after — as `F.pad(x[:, :, ::2, ::2],
/// (0, 0, 0, 0, planes // 4, planes // 4))` in the common PyTorch port. No parameters.
public final class ZeroPadShortcut: Module, LayerPresentation {
  public let inputChannels: Int
  public let outputChannels: Int
  public let stride: Int
  /// A 1×1 average pool with stride s is exactly the subsampling x[:, :, ::s, ::s] (output size
  /// ⌊(H − 1)/s⌋ + 1 = ⌈H/s⌉), with the matching gradient. Not a child: it is part of this layer.
  let subsample: AvgPool2d

  public init(_ inputChannels: Int, _ outputChannels: Int, stride: Int) {
    precondition(
      outputChannels >= inputChannels,
      "ZeroPadShortcut: cannot shrink \(inputChannels) → \(outputChannels) channels")
    self.inputChannels = inputChannels
    self.outputChannels = outputChannels
    self.stride = stride
    subsample = AvgPool2d(1, stride: Size2(stride, stride))
  }

  public func forward(_ input: Variable) -> Variable {
    let subsampled = stride == 1 ? input : subsample.forward(input)
    let added = outputChannels - inputChannels
    guard added > 0 else { return subsampled }
    var planeShape = subsampled.shape
    planeShape[1] = added / 2
    let before = Variable(Tensor.zeros(planeShape))
    planeShape[1] = added - added / 2
    let after = Variable(Tensor.zeros(planeShape))
    return concatenate([before, subsampled, after], axis: 1)
  }

  public var layerDescription: String {
    "ZeroPadShortcut(\(inputChannels), \(outputChannels), stride \(stride))"
  }
}
