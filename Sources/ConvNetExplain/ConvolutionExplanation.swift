import ConvNetAutograd
import ConvNetKernels
import ConvNetNN
import ConvNetTensor

/// What to explain about one convolution layer. Sizes may be given, or read from the values:
/// the input size and channel count from `input`, the filter count and kernel from `weights`.
public struct ConvolutionRequest {
  /// H×W of one input channel.
  public var inputSize: Size2?
  public var channels: Int?
  public var filters: Int?
  public var kernel: Size2?
  public var stride: Size2
  /// Zero padding on each side (top = bottom, left = right).
  public var padding: Size2
  /// Input values, [channel][row][column].
  public var input: [[[Float]]]?
  /// Filter values, [filter][channel][row][column].
  public var weights: [[[[Float]]]]?
  /// One bias per filter; zeros when values are given without a bias.
  public var bias: [Float]?

  public init(
    inputSize: Size2? = nil, channels: Int? = nil, filters: Int? = nil, kernel: Size2? = nil,
    stride: Size2 = 1, padding: Size2 = 0, input: [[[Float]]]? = nil,
    weights: [[[[Float]]]]? = nil, bias: [Float]? = nil
  ) {
    self.inputSize = inputSize
    self.channels = channels
    self.filters = filters
    self.kernel = kernel
    self.stride = stride
    self.padding = padding
    self.input = input
    self.weights = weights
    self.bias = bias
  }
}

/// A convolution layer explained: its output size by the formula, its parameter count with
/// the layer's own formula, its multiply–accumulates and receptive field, and — given values —
/// every step of the sliding window, checked against the library's conv2d kernel.
public struct ConvolutionExplanation {
  /// The layer's geometry (batch 1); its output size is the one explained.
  public let geometry: Conv2DGeometry
  public let height: OutputSizeDerivation
  public let width: OutputSizeDerivation
  /// Weights and biases of the layer, counted by the `Conv2d` module.
  public let parameterCount: Int
  /// `Conv2d.parameterFormula`, e.g. "(3·3·3+1)·2 = 56".
  public let parameterFormula: String
  /// Multiply–accumulates of one forward pass, from `Conv2d.multiplyAccumulates`.
  public let multiplyAccumulates: Int
  /// The input window one output cell sees, per channel (F×F for one layer without dilation).
  public let receptiveField: Size2
  /// The receptive field of 1, 2 and 3 such layers stacked (same kernel and stride):
  /// r₁ = F and rₙ = rₙ₋₁ + (F − 1)·Sⁿ⁻¹, each layer's step in input pixels being the product of
  /// the strides below it — why VGG stacks 3×3 layers (two see 5×5, three 7×7).
  public let stackedReceptiveFields: [Size2]
  /// The worked numbers, when values were given.
  public let computation: ConvolutionComputation?

  /// The largest input or filter count explained without values (larger layers would only
  /// exhaust memory building the module whose formula is shown).
  public static let largestWeightCount = 20_000_000

  public init(_ request: ConvolutionRequest) throws {
    let sizes = try ConvolutionSizes(request)
    geometry = Conv2DGeometry(
      batch: 1, inputChannels: sizes.channels, inputHeight: sizes.input.height,
      inputWidth: sizes.input.width, outputChannels: sizes.filters,
      kernelHeight: sizes.kernel.height, kernelWidth: sizes.kernel.width,
      strideHeight: request.stride.height, strideWidth: request.stride.width,
      paddingTop: request.padding.height, paddingBottom: request.padding.height,
      paddingLeft: request.padding.width, paddingRight: request.padding.width)
    if geometry.outputHeight <= 0 || geometry.outputWidth <= 0 {
      throw ExplainError(
        .kernel,
        "the \(NumberText.size(sizes.kernel.height, sizes.kernel.width)) kernel does not fit in the "
          + "\(NumberText.size(sizes.input.height, sizes.input.width)) input padded by "
          + "\(request.padding.height) rows and \(request.padding.width) columns; expected a kernel no larger "
          + "than the padded input")
    }
    if let problem = geometry.validate() { throw ExplainError(.input, problem) }
    height = OutputSizeDerivation(
      input: geometry.inputHeight, kernel: geometry.kernelHeight, padding: geometry.paddingTop,
      stride: geometry.strideHeight, output: geometry.outputHeight)
    width = OutputSizeDerivation(
      input: geometry.inputWidth, kernel: geometry.kernelWidth, padding: geometry.paddingLeft,
      stride: geometry.strideWidth, output: geometry.outputWidth)
    // The layer itself says how many parameters it has and how it counts them.
    let layer = Conv2d(
      sizes.channels, sizes.filters, kernelSize: sizes.kernel, stride: request.stride,
      padding: .explicit(request.padding))
    parameterCount = layer.parameterCount
    parameterFormula = layer.parameterFormula ?? NumberText.count(layer.parameterCount)
    multiplyAccumulates = layer.multiplyAccumulates(
      inputShape: [1, geometry.inputChannels, geometry.inputHeight, geometry.inputWidth],
      outputShape: [1, geometry.outputChannels, geometry.outputHeight, geometry.outputWidth])
    receptiveField = Size2(
      geometry.dilationHeight * (geometry.kernelHeight - 1) + 1,
      geometry.dilationWidth * (geometry.kernelWidth - 1) + 1)
    var stacked = [receptiveField]
    var step = (height: geometry.strideHeight, width: geometry.strideWidth)
    for _ in 1..<3 {
      let previous = stacked[stacked.count - 1]
      stacked.append(
        Size2(
          previous.height + (receptiveField.height - 1) * step.height,
          previous.width + (receptiveField.width - 1) * step.width))
      step = (step.height * geometry.strideHeight, step.width * geometry.strideWidth)
    }
    stackedReceptiveFields = stacked
    if let input = request.input, let weights = request.weights {
      computation = ConvolutionComputation(
        input: input, weights: weights,
        bias: request.bias ?? [Float](repeating: 0, count: weights.count), geometry: geometry)
    } else {
      computation = nil
    }
  }
}

/// The sliding window worked through on real numbers.
public struct ConvolutionComputation {
  /// [channel][row][column] as given.
  public let input: [[[Float]]]
  /// The input with its zero padding, what the window slides over.
  public let paddedInput: [[[Float]]]
  /// [filter][channel][row][column].
  public let weights: [[[[Float]]]]
  public let bias: [Float]
  /// Every window position, filter by filter, row by row.
  public let steps: [WindowStep]
  /// The feature maps the steps fill, [filter][row][column].
  public let output: [[[Float]]]
  /// The same maps from the library's conv2d kernel (`conv2d` → `conv2DForward`).
  public let kernelOutput: [[[Float]]]

  /// True when the hand-worked maps equal the kernel's (up to float rounding).
  public var matchesKernel: Bool { agrees(output, kernelOutput) }

  init(input: [[[Float]]], weights: [[[[Float]]]], bias: [Float], geometry: Conv2DGeometry) {
    self.input = input
    self.weights = weights
    self.bias = bias
    paddedInput = zeroPadded(
      input, top: geometry.paddingTop, bottom: geometry.paddingBottom, left: geometry.paddingLeft,
      right: geometry.paddingRight)
    (steps, output) = slideWindows(
      padded: paddedInput, filters: weights, bias: bias, strideHeight: geometry.strideHeight,
      strideWidth: geometry.strideWidth, outputHeight: geometry.outputHeight,
      outputWidth: geometry.outputWidth)
    let result = withoutGradients {
      conv2d(
        Variable(TensorConversion.batch(input)), weight: Variable(TensorConversion.weight(weights)),
        bias: Variable(Tensor(shape: [bias.count], scalars: bias)), settings: geometry.settings)
    }
    kernelOutput = TensorConversion.planes(result.value)
  }
}

/// The sizes of a convolution request, taken from the request or read from its values, checked
/// against each other.
struct ConvolutionSizes {
  let input: Size2
  let channels: Int
  let filters: Int
  let kernel: Size2

  /// The largest size accepted along any axis or channel count.
  static let largestSize = 100_000

  init(_ request: ConvolutionRequest) throws {
    if (request.input == nil) != (request.weights == nil) {
      throw request.input == nil
        ? ExplainError(.input, "the input values are needed to work through the given weights")
        : ExplainError(.weights, "the filter values are needed to work through the given input values")
    }
    let explained = try ExplainedInput(
      values: request.input, size: request.inputSize, channels: request.channels, example: "7x7")
    let (input, channels) = (explained.size, explained.channels)
    if let weights = request.weights { try ValueShapeCheck.filters(weights, field: .weights) }
    let filters = request.filters ?? request.weights?.count ?? 1
    let weightsKernel = request.weights.map { Size2($0[0][0].count, $0[0][0][0].count) }
    guard let kernel = request.kernel ?? weightsKernel else {
      throw ExplainError(.kernel, "expected a kernel size such as 3 or 3x3, or the filter values")
    }
    if let weights = request.weights {
      if weights.count != filters {
        throw ExplainError(.filters, "the filter values hold \(weights.count) filter(s), not \(filters)")
      }
      if weights[0].count != channels {
        throw ExplainError(
          .weights,
          "each filter has \(weights[0].count) channel(s), expected \(channels) (one per input channel)")
      }
      if let weightsKernel, weightsKernel != kernel {
        throw ExplainError(
          .kernel,
          "the filter values are \(NumberText.size(weightsKernel.height, weightsKernel.width)), not "
            + NumberText.size(kernel.height, kernel.width))
      }
    }
    if let bias = request.bias, bias.count != filters {
      throw ExplainError(.bias, "expected one bias per filter (\(filters)), got \(bias.count)")
    }
    let positives: [(ExplainError.Field, Int)] = [
      (.input, input.height), (.input, input.width), (.channels, channels), (.filters, filters),
      (.kernel, kernel.height), (.kernel, kernel.width), (.stride, request.stride.height),
      (.stride, request.stride.width),
    ]
    for (field, value) in positives where value <= 0 || value > Self.largestSize {
      throw ExplainError(
        field, "expected a size from 1 to \(NumberText.count(Self.largestSize)), got \(value)")
    }
    for value in [request.padding.height, request.padding.width] where value < 0 || value > Self.largestSize {
      throw ExplainError(.padding, "expected 0 to \(NumberText.count(Self.largestSize)), got \(value)")
    }
    // In Double: four sizes of up to 100,000 overflow an Int.
    let weightCount = Double(filters) * Double(channels) * Double(kernel.height) * Double(kernel.width)
    if weightCount > Double(ConvolutionExplanation.largestWeightCount) {
      throw ExplainError(
        .filters,
        "\(filters) filters of \(channels)×\(NumberText.size(kernel.height, kernel.width)) are "
          + "\(NumberText.value(weightCount)) weights; expected at most "
          + NumberText.count(ConvolutionExplanation.largestWeightCount))
    }
    self.input = input
    self.channels = channels
    self.filters = filters
    self.kernel = kernel
  }
}
