import ConvNetAutograd
import ConvNetKernels
import ConvNetTensor

/// An Elman recurrent layer (PyTorch's `nn.RNN`): h' = tanh(W_ih x + b_ih + W_hh h + b_hh), or
/// relu(…) with `nonlinearity: .relu`. Shapes, names and running: see `RecurrentLayer`.
public final class RNN: RecurrentLayer, StochasticModule, LayerPresentation {
  /// The activation of the new hidden state (PyTorch's `nonlinearity='tanh'|'relu'`).
  public enum Nonlinearity: String, Sendable { case tanh, relu }

  public init(
    inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bias: Bool = true, batchFirst: Bool = false,
    dropout: Float = 0, bidirectional: Bool = false, nonlinearity: Nonlinearity = .tanh
  ) {
    super.init(
      settings: RecurrentSettings(
        cell: nonlinearity == .tanh ? .rnnTanh : .rnnReLU, inputSize: inputSize, hiddenSize: hiddenSize,
        numLayers: numLayers, bias: bias, batchFirst: batchFirst, dropout: dropout,
        bidirectional: bidirectional),
      typeName: "RNN")
  }

  public override var layerDescription: String {
    let text = super.layerDescription
    return settings.cell == .rnnReLU ? text.dropLast() + ", nonlinearity='relu')" : text
  }
}
