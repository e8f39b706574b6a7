import ConvNetNN
import ConvNetTensor
import Foundation

/// The sizes of a text classifier: everything needed to build it before its weights are loaded.
///
/// This is a catalogue of its own beside the image `Architecture`s (whose input is [C, H, W] and
/// whose class count is all they take): a text classifier's size comes from its vocabulary,
/// which is known only after the training text is read. It is stored as JSON in the weight
/// file's metadata (`metadataKey`), and can also be read back from the weight shapes alone
/// (`init(kind:shapes:source:)`), for weights that come from PyTorch without metadata.
///
/// State-dict keys (PyTorch's for the same modules — see each model's documentation):
/// - `textcnn`: `embedding.weight` [V, E], `convs.i.weight` [F, E, wᵢ], `convs.i.bias` [F],
///   `fc.weight` [K, F·widths], `fc.bias` [K];
/// - `bilstm-classifier`: `embedding.weight` [V, E], `lstm.weight_ih_l0` [4H, E],
///   `lstm.weight_hh_l0` [4H, H], `lstm.bias_ih_l0`, `lstm.bias_hh_l0` [4H], the same with
///   `_reverse`, `fc.weight` [K, 2H], `fc.bias` [K];
/// - `embedding-logistic`: `embedding.weight` [V, E] (an `nn.EmbeddingBag(mode="mean")`),
///   `fc.weight` [K, E], `fc.bias` [K].
public struct TextClassifierDescription: Codable, Equatable, Sendable {
  /// The metadata key the description is stored under next to the weights.
  public static let metadataKey = "convnet.text-classifier"

  /// The model families, by their command-line names.
  public enum Kind: String, Codable, CaseIterable, Sendable {
    /// Kim (2014): embedding, parallel conv1d windows, ReLU, max over time, dropout, linear.
    case textCNN = "textcnn"
    /// Embedding, one bidirectional LSTM layer, both directions' final states, linear.
    case biLSTM = "bilstm-classifier"
    /// The mean of the review's embeddings, then one linear layer: logistic regression on
    /// mean embeddings (softmax over K logits; for two classes the same model as a sigmoid of
    /// the logits' difference).
    case embeddingLogistic = "embedding-logistic"

    /// One line for `--help` and listings.
    public var summary: String {
      switch self {
      case .textCNN:
        return "Kim 2014: embedding, conv1d widths 3/4/5 × 100 filters, ReLU, max over time, dropout, linear"
      case .biLSTM:
        return "embedding, bidirectional LSTM, final forward + backward states, dropout, linear"
      case .embeddingLogistic:
        return "mean of the token embeddings (EmbeddingBag) + linear: logistic regression"
      }
    }
  }

  public var kind: Kind
  /// V: the vocabulary's size (special tokens included); id 0 is padding.
  public var vocabularySize: Int
  /// E.
  public var embeddingSize: Int
  /// K.
  public var classCount: Int
  /// TextCNN: filters per window width (F).
  public var filters: Int
  /// TextCNN: the window widths.
  public var widths: [Int]
  /// BiLSTM: hidden size per direction (H).
  public var hiddenSize: Int
  /// Dropout before the final linear layer (TextCNN, BiLSTM); not stored in the weights.
  public var dropout: Float

  public init(
    kind: Kind, vocabularySize: Int, embeddingSize: Int, classCount: Int, filters: Int = 100,
    widths: [Int] = [3, 4, 5], hiddenSize: Int = 128, dropout: Float = 0.5
  ) {
    self.kind = kind
    self.vocabularySize = vocabularySize
    self.embeddingSize = embeddingSize
    self.classCount = classCount
    self.filters = kind == .textCNN ? filters : 0
    self.widths = kind == .textCNN ? widths : []
    self.hiddenSize = kind == .biLSTM ? hiddenSize : 0
    self.dropout = kind == .embeddingLogistic ? 0 : dropout
  }

  /// Builds the network with fresh weights drawn from `RandomSource.current`.
  public func build() -> any TextClassifierModel {
    switch kind {
    case .textCNN: return TextCNN(self)
    case .biLSTM: return BiLSTMClassifier(self)
    case .embeddingLogistic: return EmbeddingLogistic(self)
    }
  }

  /// Checks the sizes; `source` names where they came from.
  /// - Throws: `StateDictError` naming the first size that is not positive.
  public func validate(source: String) throws {
    var sizes = [
      ("vocabulary size", vocabularySize), ("embedding size", embeddingSize), ("class count", classCount),
    ]
    switch kind {
    case .textCNN:
      sizes += [("filters", filters), ("window count", widths.count)] + widths.map { ("window width", $0) }
    case .biLSTM: sizes.append(("hidden size", hiddenSize))
    case .embeddingLogistic: break
    }
    if let (name, value) = sizes.first(where: { $0.1 < 1 }) {
      throw StateDictError("\(source): \(kind.rawValue) \(name) is \(value), expected at least 1")
    }
    guard classCount >= 2 else {
      throw StateDictError("\(source): \(kind.rawValue) has \(classCount) class, expected at least 2")
    }
    guard dropout >= 0 && dropout < 1 else {
      throw StateDictError("\(source): dropout \(dropout), expected a probability in [0, 1)")
    }
  }

  /// The sizes of a `kind` network read from its weight shapes (state-dict key → shape), as
  /// PyTorch saves them; dropout is 0.5 (it leaves no trace in the weights).
  /// - Throws: `StateDictError` naming `source` and the first missing key or shape that does
  ///   not fit the others.
  public init(kind: Kind, shapes: [String: [Int]], source: String) throws {
    func shape(_ key: String, rank: Int) throws -> [Int] {
      guard let found = shapes[key] else {
        throw StateDictError("\(source): no tensor \(key), expected a \(kind.rawValue) state dict")
      }
      guard found.count == rank else {
        throw StateDictError("\(source): \(key) has shape \(found), expected \(rank) dimensions")
      }
      return found
    }
    let embedding = try shape("embedding.weight", rank: 2)
    let fc = try shape("fc.weight", rank: 2)
    switch kind {
    case .textCNN:
      var widths: [Int] = []
      var filters = 0
      while shapes["convs.\(widths.count).weight"] != nil {
        let conv = try shape("convs.\(widths.count).weight", rank: 3)
        guard conv[1] == embedding[1], filters == 0 || conv[0] == filters else {
          throw StateDictError(
            "\(source): convs.\(widths.count).weight has shape \(conv), expected [F, \(embedding[1]), width] "
              + "with the same F for every window")
        }
        filters = conv[0]
        widths.append(conv[2])
      }
      self.init(
        kind: kind, vocabularySize: embedding[0], embeddingSize: embedding[1], classCount: fc[0],
        filters: filters, widths: widths)
    case .biLSTM:
      let input = try shape("lstm.weight_ih_l0", rank: 2)
      self.init(
        kind: kind, vocabularySize: embedding[0], embeddingSize: embedding[1], classCount: fc[0],
        hiddenSize: input[0] / 4)
    case .embeddingLogistic:
      self.init(kind: kind, vocabularySize: embedding[0], embeddingSize: embedding[1], classCount: fc[0])
    }
    try validate(source: source)
    let expected = build().stateDict()
    for entry in expected {
      guard let found = shapes[entry.name] else {
        throw StateDictError("\(source): no tensor \(entry.name), expected a \(kind.rawValue) state dict")
      }
      guard found == entry.value.shape else {
        throw StateDictError(
          "\(source): \(entry.name) has shape \(found), expected \(entry.value.shape) for a "
            + "\(kind.rawValue) with vocabulary \(vocabularySize), embedding \(embeddingSize), \(classCount) classes")
      }
    }
  }

  /// One-line JSON for safetensors metadata.
  public func serialized() -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    // Cannot fail: strings, integers and a finite float.
    return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
  }

  /// Reads `serialized()`'s text back; `source` names where it came from in errors.
  public init(serialized text: String, source: String) throws {
    do {
      self = try JSONDecoder().decode(TextClassifierDescription.self, from: Data(text.utf8))
    } catch {
      throw StateDictError("\(source): metadata \(Self.metadataKey) is not a text classifier description")
    }
    try validate(source: source)
  }
}

/// A text classifier of the catalogue: its name and how it is described.
public struct TextClassifierArchitecture: Sendable {
  public let kind: TextClassifierDescription.Kind
  public var name: String { kind.rawValue }
  public var summary: String { kind.summary }
}

/// A text-classifier name that is not in the catalogue.
public struct UnknownTextClassifierError: Error, CustomStringConvertible {
  public let name: String
  public var description: String {
    "unknown text classifier \"\(name)\"; available: "
      + Architectures.textClassifiers.map(\.name).joined(separator: ", ")
  }
}

extension Architectures {
  /// The text classifiers (`convnet train-text --arch`), beside the image catalogue `all`.
  public static let textClassifiers: [TextClassifierArchitecture] =
    TextClassifierDescription.Kind.allCases.map { TextClassifierArchitecture(kind: $0) }

  public static func textClassifier(named name: String) throws -> TextClassifierArchitecture {
    guard let found = textClassifiers.first(where: { $0.name == name.lowercased() }) else {
      throw UnknownTextClassifierError(name: name)
    }
    return found
  }
}
