import ConvNetAutograd
import ConvNetNN
import ConvNetTensor

/// A recurrent language model over token ids: the course's machine-poetry network.
///
///     embedding = nn.Embedding(V, E)
///     rnn       = nn.LSTM | nn.GRU | nn.RNN(E, H, num_layers=L, batch_first=True)
///     head      = nn.Linear(H, V)
///
/// State-dict keys are exactly those of that PyTorch module (`embedding.weight`,
/// `rnn.weight_ih_l0`, `rnn.weight_hh_l0`, `rnn.bias_ih_l0`, `rnn.bias_hh_l0`, …,
/// `head.weight`, `head.bias`), so weights move both ways with `safetensors`. The catalogue
/// names are `lstm-lm`, `gru-lm` and `rnn-lm`; V, E, H and L are read from the weights
/// (`Configuration(cell:weightShapes:source:)`).
///
/// Ids travel as Float values ([N, T], exact below 2²⁴); the caller checks their range where
/// they enter (a vocabulary, or `LanguageModelInference` for a user's file).
public final class LanguageModel: Module {
  /// The recurrent layer between the embedding and the head.
  public enum Cell: String, CaseIterable, Codable, Sendable {
    case lstm
    case gru
    /// Elman RNN with tanh (PyTorch's default nonlinearity; a ReLU RNN's weights look the same,
    /// so the catalogue entry means tanh).
    case rnn

    /// The catalogue name, e.g. "lstm-lm".
    public var architectureName: String { "\(rawValue)-lm" }

    /// The cell whose catalogue name is `name` (case-insensitive), or nil.
    public init?(architectureName name: String) {
      guard let found = Self.allCases.first(where: { $0.architectureName == name.lowercased() }) else {
        return nil
      }
      self = found
    }

    /// Rows of each recurrent weight per hidden unit: LSTM i,f,g,o; GRU r,z,n; RNN one.
    public var gateCount: Int {
      switch self {
      case .lstm: return 4
      case .gru: return 3
      case .rnn: return 1
      }
    }

    /// The layer's name as PyTorch spells it, for messages.
    public var layerName: String {
      switch self {
      case .lstm: return "LSTM"
      case .gru: return "GRU"
      case .rnn: return "RNN"
      }
    }

    /// One line for listings.
    public var summary: String {
      "char/word language model: Embedding(V, E) → \(layerName)(E, H, L layers) → Linear(H, V); "
        + "sizes read from the weights"
    }
  }

  /// The sizes that define the network (and its weight shapes).
  public struct Configuration: Equatable, Codable, Sendable {
    public var cell: Cell
    /// V: the vocabulary size (ids 0 ..< V).
    public var vocabularySize: Int
    /// E: the width of a token's embedding.
    public var embeddingSize: Int
    /// H: the recurrent layers' hidden width.
    public var hiddenSize: Int
    /// L: stacked recurrent layers.
    public var layers: Int
    /// Dropout between stacked recurrent layers while training (not part of the weights).
    public var dropout: Float

    public init(
      cell: Cell, vocabularySize: Int, embeddingSize: Int, hiddenSize: Int, layers: Int = 1,
      dropout: Float = 0
    ) {
      self.cell = cell
      self.vocabularySize = vocabularySize
      self.embeddingSize = embeddingSize
      self.hiddenSize = hiddenSize
      self.layers = layers
      self.dropout = dropout
    }
  }

  public let configuration: Configuration
  public let embedding: Embedding
  /// The `LSTM`, `GRU` or `RNN` layer.
  public let rnn: any Module
  public let head: Linear
  /// The recurrent layer's `run`, kept as a closure because the three layer classes share no
  /// protocol for it.
  private let runRecurrent: (Variable, RecurrentState?) -> (output: Variable, state: RecurrentState)

  /// Builds the network with fresh weights drawn from `RandomSource.current` (PyTorch's
  /// initialisations: N(0, 1) embeddings, U(−1/√H, 1/√H) recurrent weights).
  public init(_ configuration: Configuration) {
    precondition(
      configuration.vocabularySize >= 1 && configuration.embeddingSize >= 1
        && configuration.hiddenSize >= 1 && configuration.layers >= 1,
      "LanguageModel: every size must be at least 1, got \(configuration)")
    self.configuration = configuration
    let (e, h, l, p) = (
      configuration.embeddingSize, configuration.hiddenSize, configuration.layers, configuration.dropout
    )
    embedding = Embedding(numEmbeddings: configuration.vocabularySize, embeddingDim: e)
    switch configuration.cell {
    case .lstm:
      let layer = LSTM(inputSize: e, hiddenSize: h, numLayers: l, batchFirst: true, dropout: p)
      rnn = layer
      runRecurrent = { layer.run($0, initialState: $1) }
    case .gru:
      let layer = GRU(inputSize: e, hiddenSize: h, numLayers: l, batchFirst: true, dropout: p)
      rnn = layer
      runRecurrent = { layer.run($0, initialState: $1) }
    case .rnn:
      let layer = RNN(inputSize: e, hiddenSize: h, numLayers: l, batchFirst: true, dropout: p)
      rnn = layer
      runRecurrent = { layer.run($0, initialState: $1) }
    }
    head = Linear(h, configuration.vocabularySize)
  }

  public var children: [(name: String, module: any Module)] {
    [("embedding", embedding), ("rnn", rnn), ("head", head)]
  }

  /// Logits [N, T, V] for ids [N, T], every sequence starting from a zero state.
  public func forward(_ ids: Variable) -> Variable { run(ids, state: nil).logits }

  /// Logits [N, T, V] for ids [N, T] continuing from `state` (nil: zeros), and the state after
  /// the last step — what generation carries from one token to the next, so the prefix is
  /// never run twice.
  public func run(_ ids: Variable, state: RecurrentState?) -> (logits: Variable, state: RecurrentState) {
    precondition(ids.shape.count == 2, "LanguageModel: ids must be [N, T], got \(ids.shape)")
    let (n, t) = (ids.shape[0], ids.shape[1])
    let (output, next) = runRecurrent(embedding(ids), state)
    let flat = head(output.reshaped([n * t, configuration.hiddenSize]))
    return (flat.reshaped([n, t, configuration.vocabularySize]), next)
  }
}
