import ConvNetAutograd
import ConvNetNN

/// MobileNet (v1): a 3×3 stride-2 conv stem and 13 depthwise separable blocks (3×3 depthwise
/// conv + BN + activation, then 1×1 pointwise conv + BN + activation), global average pooling
/// and one Linear. 4,231,976 parameters for 1000 classes at width 1.0 (the paper's 4.2 M).
///
/// Laid out and named as timm's `mobilenetv1_100` so that its weights load unchanged:
/// `conv_stem.weight`, `bn1.*`, `blocks.S.B.conv_dw.weight`, `blocks.S.B.bn1.*`,
/// `blocks.S.B.conv_pw.weight`, `blocks.S.B.bn2.*`, `classifier.weight`, with the 13 blocks
/// grouped in five stages that each start with the stride (1, 2, 2, 2, 2). Like timm and the
/// TensorFlow reference implementation it uses ReLU6 (the paper says ReLU). Convolutions have no
/// bias (batch norm follows). Works down to 28×28 input (→ 1×1 before pooling).
///
/// - Paper: A. G. Howard, M. Zhu, B. Chen, D. Kalenichenko, W. Wang, T. Weyand, M. Andreetto,
///   H. Adam, "MobileNets: Efficient Convolutional Neural Networks for Mobile Vision
///   Applications", arXiv:1704.04861, 2017, Table 1.
public final class MobileNetV1: Module {
  /// A group of depthwise separable blocks with the same output channels; the first has `stride`.
  public struct Stage: Sendable {
    public let channels: Int
    public let repeats: Int
    public let stride: Int
  }

  /// Table 1 of the paper, grouped as timm does.
  public static let stages: [Stage] = [
    Stage(channels: 64, repeats: 1, stride: 1),
    Stage(channels: 128, repeats: 2, stride: 2),
    Stage(channels: 256, repeats: 2, stride: 2),
    Stage(channels: 512, repeats: 6, stride: 2),
    Stage(channels: 1024, repeats: 2, stride: 2),
  ]

  /// 3×3 depthwise conv `conv_dw` + `bn1` + ReLU6, then 1×1 conv `conv_pw` + `bn2` + ReLU6:
  /// 9·C + C·C′ weights instead of a full 3×3 convolution's 9·C·C′.
  public final class DepthwiseSeparable: Module {
    public let depthwise: Conv2d
    public let depthwiseNorm: BatchNorm2d
    public let pointwise: Conv2d
    public let pointwiseNorm: BatchNorm2d
    let depthwiseActivation = ReLU6()
    let pointwiseActivation = ReLU6()

    public init(_ input: Int, _ output: Int, stride: Int) {
      depthwise = Conv2d(
        input, input, kernelSize: 3, stride: Size2(stride, stride), padding: 1, groups: input,
        bias: false)
      depthwiseNorm = BatchNorm2d(input)
      pointwise = Conv2d(input, output, kernelSize: 1, bias: false)
      pointwiseNorm = BatchNorm2d(output)
    }

    public var children: [(name: String, module: any Module)] {
      [
        ("conv_dw", depthwise), ("bn1", depthwiseNorm), ("act1", depthwiseActivation),
        ("conv_pw", pointwise), ("bn2", pointwiseNorm), ("act2", pointwiseActivation),
      ]
    }

    public func forward(_ input: Variable) -> Variable {
      let x = depthwiseActivation(depthwiseNorm(depthwise(input)))
      return pointwiseActivation(pointwiseNorm(pointwise(x)))
    }
  }

  public let stem: Conv2d
  public let stemNorm: BatchNorm2d
  let stemActivation = ReLU6()
  public let blocks: Sequential
  public let classifier: Linear

  /// - Parameters:
  ///   - inputChannels: channels of the input image.
  ///   - classCount: outputs of `classifier`.
  ///   - widthMultiplier: α of the paper, rounded to multiples of 8 as timm does
  ///     (`mobilenetv1_100` is 1.0; 0.25 gives the small reference model of the tests).
  public init(inputChannels: Int = 3, classCount: Int = 1000, widthMultiplier: Double = 1.0) {
    let round = { (channels: Int) in MobileNet.makeDivisible(Double(channels) * widthMultiplier) }
    var channels = round(32)
    stem = Conv2d(inputChannels, channels, kernelSize: 3, stride: 2, padding: 1, bias: false)
    stemNorm = BatchNorm2d(channels)
    var stages: [any Module] = []
    for stage in Self.stages {
      var stageBlocks: [any Module] = []
      for repeat_ in 0..<stage.repeats {
        let output = round(stage.channels)
        stageBlocks.append(
          DepthwiseSeparable(channels, output, stride: repeat_ == 0 ? stage.stride : 1))
        channels = output
      }
      stages.append(Sequential(stageBlocks))
    }
    blocks = Sequential(stages)
    classifier = Linear(channels, classCount)
  }

  public var children: [(name: String, module: any Module)] {
    [
      ("conv_stem", stem), ("bn1", stemNorm), ("act1", stemActivation), ("blocks", blocks),
      ("classifier", classifier),
    ]
  }

  public func forward(_ input: Variable) -> Variable {
    let x = blocks(stemActivation(stemNorm(stem(input))))
    return classifier(adaptiveAvgPool2d(x, outputHeight: 1, outputWidth: 1).flattened())
  }
}
