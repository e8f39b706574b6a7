import ConvNetAutograd
import ConvNetNN

/// The building blocks of GoogLeNet (Szegedy et al., CVPR 2015), laid out as torchvision's
/// `BasicConv2d`, `Inception` and `InceptionAux` so that their weights carry the same keys.

/// Convolution (no bias) → batch norm (ε = 0.001) → ReLU; keys `conv`, `bn`. torchvision adds
/// the batch norm the 2014 network did not have.
public final class BasicConv2d: Module {
  public let conv: Conv2d
  public let bn: BatchNorm2d
  let relu = ReLU()

  public init(
    _ inputChannels: Int, _ outputChannels: Int, kernelSize: Size2, stride: Size2 = 1,
    padding: Padding = 0
  ) {
    conv = Conv2d(
      inputChannels, outputChannels, kernelSize: kernelSize, stride: stride, padding: padding,
      bias: false)
    bn = BatchNorm2d(outputChannels, epsilon: 0.001)
  }

  public var children: [(name: String, module: any Module)] {
    [("conv", conv), ("bn", bn), ("relu", relu)]
  }

  public func forward(_ input: Variable) -> Variable { relu(bn(conv(input))) }
}

/// The Inception module: four parallel branches concatenated along channels —
/// 1×1; 1×1 → 3×3; 1×1 → "5×5"; 3×3 max pool (stride 1) → 1×1 projection. Output channels
/// `ones + threes + fives + poolProjection`, resolution unchanged.
///
/// As in torchvision, the "5×5" branch uses a 3×3 kernel (a known quirk of the original
/// port, kept so that pretrained weights load); keys `branch1.conv`, `branch2.0.conv`,
/// `branch2.1.conv`, `branch3.0.conv`, `branch3.1.conv`, `branch4.1.conv` (and `.bn`).
public final class Inception: Module {
  public let branch1: BasicConv2d
  public let branch2: Sequential
  public let branch3: Sequential
  public let branch4: Sequential
  public let outputChannels: Int

  /// The column order of the paper's table 1: #1×1, #3×3 reduce, #3×3, #5×5 reduce, #5×5,
  /// pool proj.
  public init(
    _ inputChannels: Int, ones: Int, threesReduce: Int, threes: Int, fivesReduce: Int, fives: Int,
    poolProjection: Int
  ) {
    branch1 = BasicConv2d(inputChannels, ones, kernelSize: 1)
    branch2 = Sequential {
      BasicConv2d(inputChannels, threesReduce, kernelSize: 1)
      BasicConv2d(threesReduce, threes, kernelSize: 3, padding: 1)
    }
    branch3 = Sequential {
      BasicConv2d(inputChannels, fivesReduce, kernelSize: 1)
      BasicConv2d(fivesReduce, fives, kernelSize: 3, padding: 1)
    }
    branch4 = Sequential {
      MaxPool2d(3, stride: 1, padding: 1, ceilMode: true)
      BasicConv2d(inputChannels, poolProjection, kernelSize: 1)
    }
    outputChannels = ones + threes + fives + poolProjection
  }

  public var children: [(name: String, module: any Module)] {
    [("branch1", branch1), ("branch2", branch2), ("branch3", branch3), ("branch4", branch4)]
  }

  public func forward(_ input: Variable) -> Variable {
    concatenate([branch1(input), branch2(input), branch3(input), branch4(input)], axis: 1)
  }
}

/// An auxiliary classifier on an intermediate feature map (training only): adaptive average
/// pool to 4×4 → 1×1 BasicConv2d to 128 channels → flatten (2,048) → Linear to 1,024 → ReLU →
/// dropout (0.7) → Linear to the classes. Keys `conv.conv`, `conv.bn`, `fc1`, `fc2`.
public final class InceptionAux: Module {
  public let pool = AdaptiveAvgPool2d(4)
  public let conv: BasicConv2d
  public let fc1: Linear
  let relu = ReLU()
  public let dropout: Dropout
  public let fc2: Linear

  public init(_ inputChannels: Int, classCount: Int, dropoutProbability: Float = 0.7) {
    conv = BasicConv2d(inputChannels, 128, kernelSize: 1)
    fc1 = Linear(2048, 1024)
    dropout = Dropout(dropoutProbability)
    fc2 = Linear(1024, classCount)
  }

  public var children: [(name: String, module: any Module)] {
    [
      ("pool", pool), ("conv", conv), ("fc1", fc1), ("relu", relu), ("dropout", dropout),
      ("fc2", fc2),
    ]
  }

  public func forward(_ input: Variable) -> Variable {
    fc2(dropout(relu(fc1(conv(pool(input)).flattened()))))
  }
}
