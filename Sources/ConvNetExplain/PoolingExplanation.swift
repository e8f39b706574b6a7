import ConvNetAutograd
import ConvNetKernels
import ConvNetNN
import ConvNetTensor

/// Max or average pooling.
public enum PoolingKind: String, CaseIterable, Sendable {
  case max
  case average = "avg"
}

/// What to explain about one pooling layer; sizes may be read from the values.
public struct PoolingRequest {
  public var kind: PoolingKind
  public var inputSize: Size2?
  public var channels: Int?
  public var kernel: Size2
  /// Defaults to the kernel size, as in PyTorch.
  public var stride: Size2?
  /// Zero padding on each side; at most half the kernel (padding never wins a max).
  public var padding: Size2
  /// Input values, [channel][row][column].
  public var input: [[[Float]]]?

  public init(
    kind: PoolingKind, inputSize: Size2? = nil, channels: Int? = nil, kernel: Size2 = 2,
    stride: Size2? = nil, padding: Size2 = 0, input: [[[Float]]]? = nil
  ) {
    self.kind = kind
    self.inputSize = inputSize
    self.channels = channels
    self.kernel = kernel
    self.stride = stride
    self.padding = padding
    self.input = input
  }
}

/// One window of a pooling, worked by hand.
public struct PoolingStep: Sendable {
  public let channel: Int
  /// The output cell this window fills.
  public let row: Int
  public let column: Int
  /// The window's top-left corner in input coordinates (negative inside the padding).
  public let windowRow: Int
  public let windowColumn: Int
  /// The values under the window; nil where the window lies on padding.
  public let window: [[Float?]]
  /// Max pooling: the winner's place in the window and in the input (the first largest in
  /// row-major order, as the kernels choose; padding never wins).
  public let winner: (windowRow: Int, windowColumn: Int, inputRow: Int, inputColumn: Int)?
  /// Average pooling: the sum of the window and the divisor (padding counts as zeros).
  public let sum: Float
  public let divisor: Int
  /// The output value.
  public let value: Float
}

/// A pooling layer explained: output size by the same formula as a convolution, no
/// parameters, and — given values — every window, checked against the library's pooling kernel;
/// average pooling also computed as the convolution it is (each channel alone, every weight
/// 1/(F·F)).
public struct PoolingExplanation {
  public let kind: PoolingKind
  public let geometry: Pool2DGeometry
  public let height: OutputSizeDerivation
  public let width: OutputSizeDerivation
  /// The window one output cell sees.
  public let receptiveField: Size2
  /// The parameter count of the layer (`MaxPool2d` / `AvgPool2d` own none).
  public let parameterCount: Int
  public let computation: PoolingComputation?

  public init(_ request: PoolingRequest) throws {
    kind = request.kind
    let explained = try ExplainedInput(
      values: request.input, size: request.inputSize, channels: request.channels, example: "4x4")
    let (input, channels) = (explained.size, explained.channels)
    let stride = request.stride ?? request.kernel
    let positives: [(ExplainError.Field, Int)] = [
      (.input, input.height), (.input, input.width), (.channels, channels),
      (.kernel, request.kernel.height), (.kernel, request.kernel.width), (.stride, stride.height),
      (.stride, stride.width),
    ]
    for (field, value) in positives where value <= 0 || value > ConvolutionSizes.largestSize {
      throw ExplainError(
        field, "expected a size from 1 to \(NumberText.count(ConvolutionSizes.largestSize)), got \(value)")
    }
    if request.padding.height < 0 || request.padding.width < 0
      || request.padding.height > request.kernel.height / 2
      || request.padding.width > request.kernel.width / 2
    {
      throw ExplainError(
        .padding,
        "expected 0 to half the kernel (\(request.kernel.height / 2)), got \(request.padding.height)"
          + (request.padding.width != request.padding.height ? "×\(request.padding.width)" : ""))
    }
    geometry = Pool2DGeometry(
      batch: 1, channels: channels, inputHeight: input.height, inputWidth: input.width,
      kernelHeight: request.kernel.height, kernelWidth: request.kernel.width,
      strideHeight: stride.height, strideWidth: stride.width,
      paddingHeight: request.padding.height, paddingWidth: request.padding.width)
    if geometry.outputHeight <= 0 || geometry.outputWidth <= 0 {
      throw ExplainError(
        .kernel,
        "the \(NumberText.size(request.kernel.height, request.kernel.width)) window does not fit in the "
          + "\(NumberText.size(input.height, input.width)) input; expected a window no larger than the input")
    }
    if let problem = geometry.validate() { throw ExplainError(.input, problem) }
    height = OutputSizeDerivation(
      input: input.height, kernel: request.kernel.height, padding: request.padding.height,
      stride: stride.height, output: geometry.outputHeight)
    width = OutputSizeDerivation(
      input: input.width, kernel: request.kernel.width, padding: request.padding.width,
      stride: stride.width, output: geometry.outputWidth)
    receptiveField = request.kernel
    let layer: any Module =
      kind == .max
      ? MaxPool2d(request.kernel, stride: stride, padding: request.padding)
      : AvgPool2d(request.kernel, stride: stride, padding: request.padding)
    parameterCount = layer.parameterCount
    let (kind, geometry) = (request.kind, geometry)
    computation = request.input.map { PoolingComputation(kind: kind, input: $0, geometry: geometry) }
  }
}

/// Pooling worked through on real numbers.
public struct PoolingComputation {
  public let input: [[[Float]]]
  /// Every window, channel by channel, row by row.
  public let steps: [PoolingStep]
  /// [channel][row][column].
  public let output: [[[Float]]]
  /// The same from the library's pooling kernel (`maxPool2d` / `avgPool2d`).
  public let kernelOutput: [[[Float]]]
  /// Average pooling only: the weight of the equivalent convolution, 1/(F·F).
  public let convolutionWeight: Float?
  /// Average pooling only: the output of that convolution (the library's conv2d kernel, one
  /// group per channel, every weight `convolutionWeight`, no bias).
  public let convolutionOutput: [[[Float]]]?

  public var matchesKernel: Bool { agrees(output, kernelOutput) }
  public var matchesConvolution: Bool? { convolutionOutput.map { agrees(output, $0) } }

  init(kind: PoolingKind, input: [[[Float]]], geometry g: Pool2DGeometry) {
    self.input = input
    var steps: [PoolingStep] = []
    var output: [[[Float]]] = []
    for (channel, plane) in input.enumerated() {
      var map = [[Float]](repeating: [Float](repeating: 0, count: g.outputWidth), count: g.outputHeight)
      for row in 0..<g.outputHeight {
        for column in 0..<g.outputWidth {
          let top = row * g.strideHeight - g.paddingHeight
          let left = column * g.strideWidth - g.paddingWidth
          let window: [[Float?]] = (0..<g.kernelHeight).map { u in
            (0..<g.kernelWidth).map { v in
              let (r, c) = (top + u, left + v)
              return r >= 0 && r < g.inputHeight && c >= 0 && c < g.inputWidth ? plane[r][c] : nil
            }
          }
          var winner: (Int, Int, Int, Int)?
          var best = -Float.infinity
          var sum = 0.0
          for (u, values) in window.enumerated() {
            for (v, value) in values.enumerated() {
              guard let value else { continue }
              sum += Double(value)
              if winner == nil || value > best || value.isNaN {
                (best, winner) = (value, (u, v, top + u, left + v))
              }
            }
          }
          // PyTorch's default count_include_pad: the divisor is the whole window (in floor
          // mode every window lies inside the padded input).
          let divisor = g.kernelHeight * g.kernelWidth
          let value = kind == .max ? best : Float(sum / Double(divisor))
          map[row][column] = value
          steps.append(
            PoolingStep(
              channel: channel, row: row, column: column, windowRow: top, windowColumn: left,
              window: window, winner: kind == .max ? winner : nil, sum: Float(sum), divisor: divisor,
              value: value))
        }
      }
      output.append(map)
    }
    self.steps = steps
    self.output = output
    let x = Variable(TensorConversion.batch(input))
    let pooled = withoutGradients {
      kind == .max
        ? maxPool2d(x, settings: g.settings)
        : avgPool2d(x, settings: g.settings, countIncludePad: true)
    }
    kernelOutput = TensorConversion.planes(pooled.value)
    if kind == .average {
      let weight = 1 / Float(g.kernelHeight * g.kernelWidth)
      let convolution = Conv2DGeometry(
        batch: 1, inputChannels: g.channels, inputHeight: g.inputHeight, inputWidth: g.inputWidth,
        outputChannels: g.channels, kernelHeight: g.kernelHeight, kernelWidth: g.kernelWidth,
        strideHeight: g.strideHeight, strideWidth: g.strideWidth, paddingTop: g.paddingHeight,
        paddingBottom: g.paddingHeight, paddingLeft: g.paddingWidth, paddingRight: g.paddingWidth,
        groups: g.channels)
      let kernel = Tensor(shape: [g.channels, 1, g.kernelHeight, g.kernelWidth], repeating: weight)
      let result = withoutGradients {
        conv2d(x, weight: Variable(kernel), bias: nil, settings: convolution.settings)
      }
      convolutionWeight = weight
      convolutionOutput = TensorConversion.planes(result.value)
    } else {
      convolutionWeight = nil
      convolutionOutput = nil
    }
  }
}
