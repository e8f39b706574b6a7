import ConvNetAutograd
import ConvNetNN

/// MobileNetV2 as torchvision defines it: a ReLU6 conv stem, inverted residual blocks (1×1
/// expansion → 3×3 depthwise → linear 1×1 projection, with a shortcut when the shape is kept),
/// a 1×1 conv to 1280 channels, global average pooling and [Dropout(0.2), Linear].
///
/// Keys follow torchvision: `features.0.0.weight` (stem conv), `features.N.conv.0.0.weight`
/// (expansion), …, `features.18.1.running_var`, `classifier.1.weight`. 3,504,872 parameters
/// for 1000 classes at width 1.0. Channel counts are multiplied by `widthMultiplier` and
/// rounded with `MobileNet.makeDivisible`; the last conv keeps 1280 channels for widths ≤ 1.
/// Works for any input of at least 1×1 after five stride-2 stages (e.g. 28×28 MNIST → 1×1).
///
/// - Paper: M. Sandler, A. Howard, M. Zhu, A. Zhmoginov, L.-C. Chen, "MobileNetV2: Inverted
///   Residuals and Linear Bottlenecks", CVPR 2018 (arXiv:1801.04381), Table 2.
public final class MobileNetV2: Module {
  /// One row of the paper's Table 2: expansion factor t, output channels c, repeats n, stride s
  /// of the first repeat.
  public struct Stage: Sendable {
    public let expansion: Int
    public let channels: Int
    public let repeats: Int
    public let stride: Int
  }

  /// Table 2 of the paper (torchvision's `inverted_residual_setting`).
  public static let stages: [Stage] = [
    Stage(expansion: 1, channels: 16, repeats: 1, stride: 1),
    Stage(expansion: 6, channels: 24, repeats: 2, stride: 2),
    Stage(expansion: 6, channels: 32, repeats: 3, stride: 2),
    Stage(expansion: 6, channels: 64, repeats: 4, stride: 2),
    Stage(expansion: 6, channels: 96, repeats: 3, stride: 1),
    Stage(expansion: 6, channels: 160, repeats: 3, stride: 2),
    Stage(expansion: 6, channels: 320, repeats: 1, stride: 1),
  ]

  /// The inverted residual block: [1×1 expand + BN + ReLU6 (omitted when t = 1)] → 3×3
  /// depthwise + BN + ReLU6 → 1×1 project + BN (linear: no activation), with x + block(x) when
  /// stride is 1 and the channel count is unchanged. Keys `conv.0.0.weight` … `conv.3.bias`.
  public final class InvertedResidual: Module {
    public let conv: Sequential
    public let usesShortcut: Bool

    public init(_ input: Int, _ output: Int, stride: Int, expansion: Int) {
      let hidden = input * expansion
      var layers: [any Module] = []
      if expansion != 1 {
        layers.append(MobileNet.convBNActivation(input, hidden, kernelSize: 1, activation: .relu6))
      }
      layers.append(
        MobileNet.convBNActivation(
          hidden, hidden, stride: stride, groups: hidden, activation: .relu6))
      layers.append(Conv2d(hidden, output, kernelSize: 1, bias: false))
      layers.append(BatchNorm2d(output))
      conv = Sequential(layers)
      usesShortcut = stride == 1 && input == output
    }

    public var children: [(name: String, module: any Module)] { [("conv", conv)] }

    /// The block's convolutions as steps of `preparedInvertedResidual`, or nil when `conv` no
    /// longer has the layers `init` put there.
    private var fusedSteps:
      (expand: PreparedConvolutionStep?, depthwise: PreparedConvolutionStep,
        project: PreparedConvolutionStep)?
    {
      func step(_ module: any Module) -> PreparedConvolutionStep? {
        guard let layers = (module as? Sequential)?.layers, layers.count == 3,
          let convolution = layers[0] as? Conv2d, let norm = layers[1] as? BatchNorm2d,
          layers[2] is ReLU6
        else { return nil }
        return PreparedConvolutionStep(convolution, batchNorm: norm, activation: .relu6)
      }
      let layers = conv.layers
      guard layers.count == 3 || layers.count == 4,
        let projection = layers[layers.count - 2] as? Conv2d,
        let projectionNorm = layers[layers.count - 1] as? BatchNorm2d,
        let depthwise = step(layers[layers.count - 3])
      else { return nil }
      var expand: PreparedConvolutionStep?
      if layers.count == 4 {
        guard let first = step(layers[0]) else { return nil }
        expand = first
      }
      return (expand, depthwise, PreparedConvolutionStep(projection, batchNorm: projectionNorm))
    }

    public func forward(_ input: Variable) -> Variable {
      if PreparedInference.applies(), let steps = fusedSteps,
        let output = preparedInvertedResidual(
          input, expand: steps.expand, depthwise: steps.depthwise, project: steps.project,
          addingInput: usesShortcut)
      {
        return output  // the whole block in one pass over bands of rows
      }
      if usesShortcut && PreparedInference.applies() {
        // The addition in the last convolution's epilogue.
        return conv.forward(input, addingResidual: input)
      }
      return usesShortcut ? input + conv(input) : conv(input)
    }
  }

  public let features: Sequential
  public let classifier: Sequential

  /// - Parameters:
  ///   - inputChannels: channels of the input image (3 for RGB, 1 for MNIST).
  ///   - classCount: outputs of the final Linear (`classifier.1`).
  ///   - widthMultiplier: α of the paper; scales every layer's channels (torchvision
  ///     `width_mult`), e.g. 0.25 for a small model with the same structure.
  ///   - dropout: probability of the dropout before the classifier (0.2).
  public init(
    inputChannels: Int = 3, classCount: Int = 1000, widthMultiplier: Double = 1.0,
    dropout: Float = 0.2
  ) {
    var channels = MobileNet.makeDivisible(32 * widthMultiplier)
    let lastChannels = MobileNet.makeDivisible(1280 * max(1.0, widthMultiplier))
    var layers: [any Module] = [
      MobileNet.convBNActivation(inputChannels, channels, stride: 2, activation: .relu6)
    ]
    for stage in Self.stages {
      let output = MobileNet.makeDivisible(Double(stage.channels) * widthMultiplier)
      for repeat_ in 0..<stage.repeats {
        layers.append(
          InvertedResidual(
            channels, output, stride: repeat_ == 0 ? stage.stride : 1, expansion: stage.expansion))
        channels = output
      }
    }
    layers.append(
      MobileNet.convBNActivation(channels, lastChannels, kernelSize: 1, activation: .relu6))
    features = Sequential(layers)
    classifier = Sequential {
      Dropout(dropout)
      Linear(lastChannels, classCount)
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
