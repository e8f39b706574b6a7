import ConvNetData
import ConvNetModels
import ConvNetNN
import Foundation

/// What a saved language-model run records beside its weights (metadata
/// `convnet.language-model`, one line of JSON): the architecture and the settings it was
/// trained with, so that `generate` needs no `--arch` and a resumed run can be refused when its
/// settings differ.
public struct LanguageModelRecord: Codable, Equatable, Sendable {
  public static let metadataKey = "convnet.language-model"

  /// "lstm-lm", "gru-lm" or "rnn-lm".
  public var architecture: String
  public var embeddingSize: Int
  public var hiddenSize: Int
  public var layers: Int
  public var dropout: Float
  public var windowLength: Int
  public var batchSize: Int
  public var learningRate: Float
  public var gradientClipNorm: Float?
  public var validationFraction: Double
  public var seed: UInt64
  public var minimumCount: Int
  /// Epochs completed when saved.
  public var epoch: Int?
  /// The state words of every dropout layer's generator, by module path ("rnn"), so that a
  /// resumed run draws the masks an uninterrupted one would.
  public var generators: [String: [UInt64]]?

  public init(settings: LanguageModelTrainingSettings, epoch: Int?) {
    architecture = settings.cell.architectureName
    embeddingSize = settings.embeddingSize
    hiddenSize = settings.hiddenSize
    layers = settings.layers
    dropout = settings.dropout
    windowLength = settings.windowLength
    batchSize = settings.batchSize
    learningRate = settings.learningRate
    gradientClipNorm = settings.gradientClipNorm
    validationFraction = settings.validationFraction
    seed = settings.seed
    minimumCount = settings.minimumCount
    self.epoch = epoch
  }

  /// The training settings this record was saved with (`epochs` left at its default: a record
  /// keeps the epochs done, not the epochs asked for); the tokenizer is the vocabulary's.
  public func settings(tokenizer: Tokenizer) -> LanguageModelTrainingSettings {
    var settings = LanguageModelTrainingSettings()
    settings.cell = cell ?? settings.cell
    settings.embeddingSize = embeddingSize
    settings.hiddenSize = hiddenSize
    settings.layers = layers
    settings.dropout = dropout
    settings.windowLength = windowLength
    settings.batchSize = batchSize
    settings.learningRate = learningRate
    settings.gradientClipNorm = gradientClipNorm
    settings.validationFraction = validationFraction
    settings.seed = seed
    settings.tokenizer = tokenizer
    settings.minimumCount = minimumCount
    return settings
  }

  /// The cell of `architecture`, nil when it names none.
  public var cell: LanguageModel.Cell? { LanguageModel.Cell(architectureName: architecture) }

  public func serialized() -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    // Cannot fail: numbers and strings.
    return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
  }

  /// The record in `metadata`.
  /// - Throws: `StateDictError` naming `source` when it is missing or malformed.
  public init(metadata: [String: String], source: String) throws {
    guard let text = metadata[Self.metadataKey] else {
      throw StateDictError(
        "\(source): no metadata \(Self.metadataKey) — not a language model saved by ConvNet's training")
    }
    do {
      self = try JSONDecoder().decode(Self.self, from: Data(text.utf8))
    } catch {
      throw StateDictError("\(source): metadata \(Self.metadataKey) is not a language-model record")
    }
    guard cell != nil else {
      throw StateDictError(
        "\(source): metadata \(Self.metadataKey) names architecture \"\(architecture)\", expected "
          + LanguageModel.Cell.allCases.map(\.architectureName).joined(separator: ", "))
    }
  }

  /// The vocabulary stored under `Vocabulary.metadataKey`.
  /// - Throws: `StateDictError` naming `source` when it is missing; the vocabulary's own errors.
  public static func vocabulary(in metadata: [String: String], source: String) throws -> Vocabulary {
    guard let text = metadata[Vocabulary.metadataKey] else {
      throw StateDictError(
        "\(source): no metadata \(Vocabulary.metadataKey) — the weights carry no vocabulary to map "
          + "text to ids")
    }
    return try Vocabulary(serialized: text, source: source)
  }

  /// The settings that shape the model or the data and differ from `settings`, as
  /// "name was X, now Y" (the epoch count, learning rate and clipping may change on resume).
  public func differences(from settings: LanguageModelTrainingSettings) -> [String] {
    let now = LanguageModelRecord(settings: settings, epoch: nil)
    var found: [String] = []
    func compare<T: Equatable>(_ name: String, _ was: T, _ current: T) {
      if was != current { found.append("\(name) was \(was), now \(current)") }
    }
    compare("architecture", architecture, now.architecture)
    compare("embedding size", embeddingSize, now.embeddingSize)
    compare("hidden size", hiddenSize, now.hiddenSize)
    compare("layers", layers, now.layers)
    compare("dropout", dropout, now.dropout)
    compare("window length", windowLength, now.windowLength)
    compare("batch size", batchSize, now.batchSize)
    compare("validation fraction", validationFraction, now.validationFraction)
    compare("seed", seed, now.seed)
    compare("minimum count", minimumCount, now.minimumCount)
    return found
  }
}
