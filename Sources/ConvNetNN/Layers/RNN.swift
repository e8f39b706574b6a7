import ConvNetAutograd
import ConvNetKernels
import ConvNetTensor

/// An Elman recurrent layer (PyTorch's `nn.RNN`): h' = tanh(W_ih x + b_ih + W_hh h + b_hh), or
/// relu(…) with `nonlinearity: .relu`.
///
/// Input [T, N, inputSize] ([N, T, inputSize] with `batchFirst`); output [T, N, D·H] (the
/// reverse direction of a bidirectional layer in the last H features); state
/// [numLayers·D, N, H] (`RecurrentState`). Parameters under PyTorch's names
/// (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, `…_reverse`, `…_l1`), so
/// a PyTorch `state_dict` loads as is; initial values U(−1/√H, 1/√H) from
/// `RandomSource.current`. Each layer runs as one differentiable op over the whole sequence
/// (`recurrentLayer`). `forward` and `run` stop the program on an input of the wrong shape:
/// call `validateInput(shape:initialState:lengths:)` first where the input comes from a user.
public final class RNN: StochasticModule, LayerPresentation {
  /// The activation of the new hidden state (PyTorch's `nonlinearity='tanh'|'relu'`).
  public enum Nonlinearity: String, Sendable { case tanh, relu }

  public let settings: RecurrentSettings
  let stack: RecurrentStack
  public var isTraining = true
  /// Draws the dropout masks between layers (training mode, `dropout` > 0 only).
  public var generator: SeededGenerator

  public init(
    inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bias: Bool = true, batchFirst: Bool = false,
    dropout: Float = 0, bidirectional: Bool = false, nonlinearity: Nonlinearity = .tanh
  ) {
    settings = RecurrentSettings(
      cell: nonlinearity == .tanh ? .rnnTanh : .rnnReLU, inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, bias: bias,
      batchFirst: batchFirst, dropout: dropout, bidirectional: bidirectional)
    stack = RecurrentStack(settings: settings, typeName: "RNN")
    generator = RandomSource.current.generator.split()
  }

  /// The output sequence, from zero initial states.
  public func forward(_ input: Variable) -> Variable { run(input).output }

  /// The output sequence and the final state.
  /// - Parameters:
  ///   - initialState: h₀ [numLayers·D, N, H]; nil for zeros.
  ///   - lengths: each sequence's valid steps (1…T), for padded batches: steps at or past a
  ///     sequence's length output zeros, its final state is that of its last valid step and the
  ///     reverse direction starts there (PyTorch's packed sequences). nil: all are T long.
  public func run(_ input: Variable, initialState: RecurrentState? = nil, lengths: [Int]? = nil)
    -> (output: Variable, state: RecurrentState)
  {
    stack.run(input, initialState: initialState, lengths: lengths, training: isTraining, generator: &generator)
  }

  /// Throws `RecurrentInputError` (one line naming the field and what was expected) when
  /// `run` would reject these shapes.
  public func validateInput(shape: [Int], initialState: RecurrentState? = nil, lengths: [Int]? = nil) throws {
    try stack.validate(shape: shape, initialState: initialState, lengths: lengths)
  }

  /// The parameters of layer `layer`, direction 0 (forward) or 1 (reverse).
  public func parameters(layer: Int, direction: Int = 0) -> RecurrentDirectionParameters {
    stack.layers[layer][direction]
  }

  public var ownParameters: [(name: String, parameter: Variable)] { stack.parameters }

  public var layerDescription: String {
    let text = stack.layerDescription()
    return settings.cell == .rnnReLU ? text.dropLast() + ", nonlinearity='relu')" : text
  }

  public func multiplyAccumulates(inputShape: [Int], outputShape: [Int]) -> Int {
    let steps = inputShape.count == 3 ? inputShape[settings.batchFirst ? 1 : 0] : 1
    return steps * stack.multiplyAccumulatesPerStep()
  }
}
