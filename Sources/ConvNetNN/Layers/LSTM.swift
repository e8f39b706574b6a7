import ConvNetAutograd
import ConvNetKernels
import ConvNetTensor

/// A long short-term memory layer (PyTorch's `nn.LSTM`): gates i, f, g, o (the rows of the
/// weights in that order), c' = f⊙c + i⊙g, h' = o⊙tanh(c'); stacked `numLayers` deep, each
/// direction of a layer reading the previous layer's output. Shapes, names and running: see
/// `RecurrentLayer`.
public final class LSTM: RecurrentLayer, StochasticModule, LayerPresentation {
  public init(
    inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bias: Bool = true, batchFirst: Bool = false,
    dropout: Float = 0, bidirectional: Bool = false
  ) {
    super.init(
      settings: RecurrentSettings(
        cell: .lstm, inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, bias: bias,
        batchFirst: batchFirst, dropout: dropout, bidirectional: bidirectional),
      typeName: "LSTM")
  }
}
