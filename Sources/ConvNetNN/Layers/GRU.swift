import ConvNetAutograd
import ConvNetKernels
import ConvNetTensor

/// A gated recurrent unit layer (PyTorch's `nn.GRU`): gates r, z, n (rows in that order),
/// n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)), h' = (1 − z)⊙n + z⊙h. Shapes, names and
/// running: see `RecurrentLayer`.
public final class GRU: RecurrentLayer, StochasticModule, LayerPresentation {
  public init(
    inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bias: Bool = true, batchFirst: Bool = false,
    dropout: Float = 0, bidirectional: Bool = false
  ) {
    super.init(
      settings: RecurrentSettings(
        cell: .gru, inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, bias: bias,
        batchFirst: batchFirst, dropout: dropout, bidirectional: bidirectional),
      typeName: "GRU")
  }
}
