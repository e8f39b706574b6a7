import ConvNetAutograd
import ConvNetKernels
import ConvNetNN
import ConvNetTensor

/// Backpropagation through one convolution, the course's way: the input gradient is the output
/// gradient, padded by F − 1 zeros on every side, convolved ("full" convolution) with the kernel
/// rotated by 180°; the weight gradient is the input convolved ("valid") with the output
/// gradient; the bias gradient is the sum of the output gradient. Stride 1, no padding, one
/// filter over any number of channels. Every result is checked against autograd.
public struct ConvolutionBackwardExplanation {
  /// x, [channel][row][column].
  public let input: [[[Float]]]
  /// The filter, [channel][row][column].
  public let kernel: [[[Float]]]
  public let bias: Float
  /// y = x ⋆ kernel + bias, [row][column].
  public let output: [[Float]]
  /// ∂L/∂y as given, or ones (L = the sum of the outputs).
  public let outputGradient: [[Float]]
  /// The kernel rotated by 180° (flipped up–down and left–right), per channel.
  public let rotatedKernel: [[[Float]]]
  /// ∂L/∂y with kernelHeight − 1 zero rows above and below and kernelWidth − 1 zero columns
  /// left and right.
  public let paddedGradient: [[Float]]
  /// One step per input-gradient cell: a window of the padded gradient ⊙ the rotated kernel.
  public let steps: [WindowStep]
  /// ∂L/∂x by the full convolution, [channel][row][column].
  public let inputGradient: [[[Float]]]
  /// ∂L/∂x from autograd (`conv2d`'s backward, `conv2DBackwardInput`).
  public let autogradInputGradient: [[[Float]]]
  /// ∂L/∂w = x ⋆ ∂L/∂y (valid), [channel][row][column].
  public let weightGradient: [[[Float]]]
  public let autogradWeightGradient: [[[Float]]]
  /// ∂L/∂b = Σ ∂L/∂y.
  public let biasGradient: Float
  public let autogradBiasGradient: Float

  public var inputGradientMatchesAutograd: Bool { agrees(inputGradient, autogradInputGradient) }
  public var weightGradientMatchesAutograd: Bool { agrees(weightGradient, autogradWeightGradient) }
  public var biasGradientMatchesAutograd: Bool {
    agrees([[[biasGradient]]], [[[autogradBiasGradient]]])
  }

  /// - Parameters:
  ///   - input: x, [channel][row][column].
  ///   - kernel: one filter, [channel][row][column] (or [[[row]]] for one channel).
  ///   - bias: the filter's bias (it does not change any gradient but the bias's own).
  ///   - outputGradient: ∂L/∂y, the output's size; nil for ones.
  public init(input: [[[Float]]], kernel: [[[Float]]], bias: Float = 0, outputGradient: [[Float]]? = nil)
    throws
  {
    let forward = try ConvolutionExplanation(
      ConvolutionRequest(input: input, weights: [kernel], bias: [bias]))
    guard let computation = forward.computation else {
      throw ExplainError(.values, "the input values are needed")
    }
    let (outputHeight, outputWidth) = (forward.geometry.outputHeight, forward.geometry.outputWidth)
    let gradient =
      outputGradient
      ?? [[Float]](repeating: [Float](repeating: 1, count: outputWidth), count: outputHeight)
    try ValueShapeCheck.planes([gradient], field: .gradient)
    if gradient.count != outputHeight || gradient[0].count != outputWidth {
      throw ExplainError(
        .gradient,
        "expected the output's size \(NumberText.size(outputHeight, outputWidth)), got "
          + NumberText.size(gradient.count, gradient[0].count))
    }
    self.input = input
    self.kernel = kernel
    self.bias = bias
    output = computation.output[0]
    self.outputGradient = gradient
    let (kernelHeight, kernelWidth) = (forward.geometry.kernelHeight, forward.geometry.kernelWidth)
    rotatedKernel = kernel.map { plane in plane.reversed().map { Array($0.reversed()) } }
    paddedGradient =
      zeroPadded(
        [gradient], top: kernelHeight - 1, bottom: kernelHeight - 1, left: kernelWidth - 1,
        right: kernelWidth - 1)[0]
    // Each input channel's gradient is its own full convolution: one "filter" per channel that
    // reads the single padded gradient plane.
    var steps: [WindowStep] = []
    var inputGradient: [[[Float]]] = []
    for (channel, rotated) in rotatedKernel.enumerated() {
      let (channelSteps, result) = slideWindows(
        padded: [paddedGradient], filters: [[rotated]], bias: nil, strideHeight: 1, strideWidth: 1,
        outputHeight: input[0].count, outputWidth: input[0][0].count)
      steps += channelSteps.map {
        WindowStep(
          map: channel, row: $0.row, column: $0.column, windowRow: $0.windowRow,
          windowColumn: $0.windowColumn, terms: $0.terms, bias: nil, total: $0.total)
      }
      inputGradient.append(result[0])
    }
    self.steps = steps
    self.inputGradient = inputGradient
    weightGradient = input.map { plane in
      slideWindows(
        padded: [plane], filters: [[gradient]], bias: nil, strideHeight: 1, strideWidth: 1,
        outputHeight: kernelHeight, outputWidth: kernelWidth
      ).output[0]
    }
    biasGradient = Float(gradient.joined().reduce(0.0) { $0 + Double($1) })

    let x = Variable(TensorConversion.batch(input), requiresGrad: true)
    let w = Variable(TensorConversion.weight([kernel]), requiresGrad: true)
    let b = Variable(Tensor(shape: [1], scalars: [bias]), requiresGrad: true)
    let y = conv2d(x, weight: w, bias: b, settings: forward.geometry.settings)
    y.backward(gradient: TensorConversion.batch([gradient]))
    autogradInputGradient = TensorConversion.planes(x.grad ?? Tensor.zeros(x.shape))
    autogradWeightGradient = TensorConversion.planes(w.grad ?? Tensor.zeros(w.shape))
    autogradBiasGradient = b.grad?.scalars.first ?? 0
  }
}

/// Backpropagation through pooling: max pooling sends each output gradient to its window's
/// winner (zeros elsewhere); average pooling spreads it evenly, ∂L/∂y ÷ (F·F) to every cell of
/// the window. Overlapping windows add up. Checked against autograd.
public struct PoolingBackwardExplanation {
  /// The forward pass worked by hand (its steps name the winners).
  public let forward: PoolingExplanation
  /// ∂L/∂y, [channel][row][column]; ones when not given.
  public let outputGradient: [[[Float]]]
  /// Where each output gradient goes: one route per receiving input cell.
  public let routes: [Route]
  /// ∂L/∂x, [channel][row][column].
  public let inputGradient: [[[Float]]]
  /// ∂L/∂x from autograd (`maxPool2d` / `avgPool2d`'s backward).
  public let autogradInputGradient: [[[Float]]]

  public var matchesAutograd: Bool { agrees(inputGradient, autogradInputGradient) }

  /// One share of an output gradient arriving at an input cell.
  public struct Route: Sendable {
    public let channel: Int
    public let outputRow: Int
    public let outputColumn: Int
    public let inputRow: Int
    public let inputColumn: Int
    /// What arrives: the whole gradient (max) or gradient ÷ divisor (average).
    public let amount: Float
  }

  public init(_ request: PoolingRequest, outputGradient: [[[Float]]]? = nil) throws {
    forward = try PoolingExplanation(request)
    guard let computation = forward.computation else {
      throw ExplainError(.values, "the input values are needed to route a gradient")
    }
    let g = forward.geometry
    let gradient =
      outputGradient
      ?? [[[Float]]](
        repeating: [[Float]](repeating: [Float](repeating: 1, count: g.outputWidth), count: g.outputHeight),
        count: g.channels)
    try ValueShapeCheck.planes(gradient, field: .gradient)
    if gradient.count != g.channels || gradient[0].count != g.outputHeight
      || gradient[0][0].count != g.outputWidth
    {
      throw ExplainError(
        .gradient,
        "expected \(g.channels) channel(s) of the output's size "
          + "\(NumberText.size(g.outputHeight, g.outputWidth)), got \(gradient.count) of "
          + NumberText.size(gradient[0].count, gradient[0][0].count))
    }
    self.outputGradient = gradient
    var routes: [Route] = []
    var result = computation.input.map { $0.map { $0.map { _ in Float(0) } } }
    for step in computation.steps {
      let incoming = gradient[step.channel][step.row][step.column]
      if forward.kind == .max {
        guard let winner = step.winner else { continue }
        routes.append(
          Route(
            channel: step.channel, outputRow: step.row, outputColumn: step.column,
            inputRow: winner.inputRow, inputColumn: winner.inputColumn, amount: incoming))
      } else {
        let share = incoming / Float(step.divisor)
        for (u, values) in step.window.enumerated() {
          for (v, value) in values.enumerated() where value != nil {
            routes.append(
              Route(
                channel: step.channel, outputRow: step.row, outputColumn: step.column,
                inputRow: step.windowRow + u, inputColumn: step.windowColumn + v, amount: share))
          }
        }
      }
    }
    for route in routes { result[route.channel][route.inputRow][route.inputColumn] += route.amount }
    self.routes = routes
    inputGradient = result
    let x = Variable(TensorConversion.batch(computation.input), requiresGrad: true)
    let y =
      forward.kind == .max
      ? maxPool2d(x, settings: g.settings) : avgPool2d(x, settings: g.settings, countIncludePad: true)
    y.backward(gradient: TensorConversion.batch(gradient))
    autogradInputGradient = TensorConversion.planes(x.grad ?? Tensor.zeros(x.shape))
  }
}
