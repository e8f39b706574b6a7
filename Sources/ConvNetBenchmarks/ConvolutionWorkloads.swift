import ConvNetAutograd
import ConvNetNN
import ConvNetTensor

/// One convolution layer of the `conv` workload.
struct ConvolutionCase {
  var inputChannels: Int
  var outputChannels: Int
  /// Height = width of the input.
  var side: Int
  var kernel: Int
  var stride: Int
  var padding: Int
  var groups: Int

  var outputSide: Int { (side + 2 * padding - kernel) / stride + 1 }

  /// Multiply-adds ×2 of one forward pass over `batch` images:
  /// 2·N·Cout·Hout·Wout·(Cin/groups)·k².
  func forwardFLOPs(batch: Int) -> Double {
    2 * Double(batch * outputChannels * outputSide * outputSide)
      * Double(inputChannels / groups * kernel * kernel)
  }

  func config(batch: Int) -> String {
    "n=\(batch) cin=\(inputChannels) cout=\(outputChannels) hw=\(side) k=\(kernel) "
      + "s=\(stride) p=\(padding) g=\(groups)"
  }
}

extension Workloads {
  /// The layers of the `conv` workload: LeNet-5's two convolutions, ResNet-style 3×3 layers at
  /// several widths, a strided one, a 1×1 and a depthwise 3×3.
  static let convolutionCases: [ConvolutionCase] = [
    (1, 6, 28, 5, 1, 2, 1), (6, 16, 14, 5, 1, 0, 1), (3, 64, 32, 3, 1, 1, 1),
    (64, 64, 32, 3, 1, 1, 1), (128, 128, 16, 3, 1, 1, 1), (256, 256, 8, 3, 1, 1, 1),
    (64, 128, 32, 3, 2, 1, 1), (64, 64, 56, 1, 1, 0, 1), (32, 32, 56, 3, 1, 1, 32),
  ].map {
    ConvolutionCase(
      inputChannels: $0.0, outputChannels: $0.1, side: $0.2, kernel: $0.3, stride: $0.4,
      padding: $0.5, groups: $0.6)
  }

  /// `conv`: single `Conv2d` layers without bias at batch 64 on N(0, 1) inputs. "forward":
  /// without gradients; "forward+backward": input and weight require gradients and the output
  /// gradient is N(0, 1), so backward computes both the input and the weight gradient.
  /// GFLOP/s with 2·N·Cout·Hout·Wout·(Cin/groups)·k² FLOPs forward and 3× that forward +
  /// backward; the median of ≈ 0.5 s of repeats (3…50) after 2 warm-up runs.
  public static let convolution = Workload(
    name: "conv",
    summary: "single convolution layers at batch 64: forward and forward+backward (GFLOP/s)"
  ) { settings, emit in
    let batch = settings.quick ? 2 : 64
    let budget = settings.quick ? 0.01 : 0.5
    var generator = SeededGenerator(seed: 5)
    for layerCase in convolutionCases where settings.includes(config: layerCase.config(batch: batch)) {
      let layer = RandomSource.withSeed(1) {
        Conv2d(
          layerCase.inputChannels, layerCase.outputChannels,
          kernelSize: Size2(layerCase.kernel, layerCase.kernel),
          stride: Size2(layerCase.stride, layerCase.stride),
          padding: .explicit(Size2(layerCase.padding, layerCase.padding)),
          groups: layerCase.groups, bias: false)
      }
      let input = Tensor.randomNormal(
        [batch, layerCase.inputChannels, layerCase.side, layerCase.side], using: &generator)
      let outputGradient = Tensor.randomNormal(
        [batch, layerCase.outputChannels, layerCase.outputSide, layerCase.outputSide],
        using: &generator)
      let flops = layerCase.forwardFLOPs(batch: batch)

      let constant = Variable(input)
      let forwardTimes = withoutGradients {
        Stopwatch.adaptiveSamples(warmUp: 2, budget: budget, repeatRange: 3...50) {
          _ = layer(constant)
        }
      }
      let leaf = Variable(input, requiresGrad: true)
      let trainingTimes = Stopwatch.adaptiveSamples(warmUp: 2, budget: budget, repeatRange: 3...50) {
        leaf.grad = nil
        layer.weight.grad = nil
        layer(leaf).backward(gradient: outputGradient)
      }
      for (metric, factor, times) in [
        ("forward", 1.0, forwardTimes), ("forward+backward", 3.0, trainingTimes),
      ] {
        emit(
          BenchmarkRecord(
            workload: "conv", metric: metric, config: layerCase.config(batch: batch),
            value: factor * flops / median(times) / 1e9, unit: "GFLOP/s", better: .higher))
      }
    }
  }
}
