import ConvNetAutograd
import ConvNetKernels
import ConvNetTensor

/// What `LSTM`, `GRU` and `RNN` share, as PyTorch's `RNNBase`: the settings, the stack of
/// layers and directions with PyTorch's parameter names (`weight_ih_l0`, `weight_hh_l0`,
/// `bias_ih_l0`, `bias_hh_l0`, `…_reverse`, `…_l1`), running, validating, listing and costing.
/// Each subclass only says which cell it runs.
///
/// Input [T, N, inputSize] ([N, T, inputSize] with `batchFirst`); output [T, N, D·H] (the
/// reverse direction of a bidirectional layer in the last H features); state
/// [numLayers·D, N, H] (`RecurrentState`). Initial values U(−1/√H, 1/√H) from
/// `RandomSource.current`. Each layer runs as one differentiable op over the whole sequence
/// (`recurrentLayer`). `forward` and `run` stop the program on an input of the wrong shape:
/// call `validateInput(shape:initialState:lengths:)` first where the input comes from a user.
public class RecurrentLayer {
  public let settings: RecurrentSettings
  let stack: RecurrentStack
  public var isTraining = true
  /// Draws the dropout masks between layers (training mode, `dropout` > 0 only).
  public var generator: SeededGenerator

  init(settings: RecurrentSettings, typeName: String) {
    self.settings = settings
    stack = RecurrentStack(settings: settings, typeName: typeName)
    generator = RandomSource.current.generator.split()
  }

  /// The output sequence, from zero initial states.
  public func forward(_ input: Variable) -> Variable { run(input).output }

  /// The output sequence and the final state.
  /// - Parameters:
  ///   - initialState: h₀ (and c₀ for an LSTM), each [numLayers·D, N, H]; nil for zeros.
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

  public var layerDescription: String { stack.layerDescription() }

  public func multiplyAccumulates(inputShape: [Int], outputShape: [Int]) -> Int {
    let steps = inputShape.count == 3 ? inputShape[settings.batchFirst ? 1 : 0] : 1
    return steps * stack.multiplyAccumulatesPerStep()
  }
}
