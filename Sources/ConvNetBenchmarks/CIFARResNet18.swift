import ConvNetAutograd
import ConvNetModels
import ConvNetNN

/// ResNet-18 for 32×32 inputs, the variant CIFAR-10 training scripts use (e.g. kuangliu's
/// `pytorch-cifar`): torchvision's ResNet-18 with its stem replaced by a 3×3 convolution
/// (stride 1, 64 channels) and no max pool, so the four stages of `BasicBlock`s [2, 2, 2, 2]
/// run at 32, 16, 8 and 4 pixels; projection shortcuts (1×1 convolution + batch norm) where a
/// block changes shape; global average pooling; a linear classifier.
/// 11,173,962 parameters for 10 classes.
///
/// `ConvNetModels.ResNet` fixes the ImageNet stem (7×7 stride 2 + max pool), so the variant is
/// assembled here from the model zoo's public `BasicBlock`. `bench/pytorch_peer.py` builds the
/// same network.
public final class CIFARResNet18: Module {
  public let conv1: Conv2d
  public let bn1: BatchNorm2d
  /// The four stages (`layer1` … `layer4`).
  public let layers: [Sequential]
  public let avgpool = AdaptiveAvgPool2d(1)
  public let fc: Linear
  let relu = ReLU()
  public var isTraining = true

  /// - Parameter classCount: outputs of `fc`.
  public init(classCount: Int = 10) {
    conv1 = Conv2d(3, 64, kernelSize: 3, padding: 1, bias: false)
    bn1 = BatchNorm2d(64)
    var channels = 64
    var stages: [Sequential] = []
    for (stage, width) in [64, 128, 256, 512].enumerated() {
      var blocks: [any Module] = []
      for index in 0..<2 {
        let stride = stage > 0 && index == 0 ? 2 : 1
        let shortcut: (any Module)? =
          stride != 1 || channels != width
          ? Sequential {
            Conv2d(channels, width, kernelSize: 1, stride: Size2(stride, stride), bias: false)
            BatchNorm2d(width)
          } : nil
        blocks.append(BasicBlock(channels, width, stride: stride, shortcut: shortcut))
        channels = width
      }
      stages.append(Sequential(blocks))
    }
    layers = stages
    fc = Linear(512, classCount)
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
