import ConvNetAutograd

/// The state a recurrent layer carries between steps: h (and c for LSTM), each
/// [layers·directions, N, H] in PyTorch's order (layer 0, layer 0 reverse, layer 1, …).
/// `LSTM.run`, `GRU.run` and `RNN.run` take one as their initial state and return the final one.
public struct RecurrentState {
  public var hidden: Variable
  /// LSTM's cell state; nil for GRU and RNN.
  public var cell: Variable?

  public init(hidden: Variable, cell: Variable? = nil) {
    self.hidden = hidden
    self.cell = cell
  }
}
