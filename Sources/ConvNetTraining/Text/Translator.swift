import ConvNetAutograd
import ConvNetData
import ConvNetIO
import ConvNetModels
import ConvNetNN
import ConvNetTensor
import Foundation

/// A problem with a translator's file, settings or input.
public struct TranslationError: Error, Equatable, CustomStringConvertible, Sendable {
  public let description: String
  public init(_ description: String) { self.description = description }
}

/// A `Seq2SeqAttention` model with its two vocabularies: text in, text out.
///
/// A weight file written by `save(to:)` holds the state dict under PyTorch keys (sizes are read
/// back from the shapes, `Seq2SeqAttentionConfiguration(weights:source:)`), both vocabularies
/// in the metadata (`convnet.vocabulary.source`, `convnet.vocabulary.target`), and — in a
/// training checkpoint — the optimiser state under `optimizer.` and the run under
/// `convnet.translation`.
public final class Translator {
  public static let sourceVocabularyKey = Vocabulary.metadataKey + ".source"
  public static let targetVocabularyKey = Vocabulary.metadataKey + ".target"
  static let optimizerPrefix = "optimizer."

  public let model: Seq2SeqAttention
  public let sourceVocabulary: Vocabulary
  public let targetVocabulary: Vocabulary

  public init(model: Seq2SeqAttention, sourceVocabulary: Vocabulary, targetVocabulary: Vocabulary) {
    self.model = model
    self.sourceVocabulary = sourceVocabulary
    self.targetVocabulary = targetVocabulary
  }

  /// A translator read from `url` (a file written by `save(to:)` or by training).
  /// - Throws: `SafetensorsError` for an unreadable file, `TranslationError` when the metadata
  ///   lacks a vocabulary or disagrees with the weights, `StateDictError` for weights that are
  ///   not seq2seq-attn's, `DataError` for a malformed vocabulary.
  public convenience init(contentsOf url: URL) throws {
    let file = try SafetensorsFile.read(from: url)
    try self.init(file: file, path: url.path)
  }

  convenience init(file: SafetensorsFile, path: String) throws {
    guard let sourceText = file.metadata[Self.sourceVocabularyKey],
      let targetText = file.metadata[Self.targetVocabularyKey]
    else {
      throw TranslationError(
        "\(path): no \(Self.sourceVocabularyKey) and \(Self.targetVocabularyKey) metadata; "
          + "expected weights saved by translation training (convnet train-translate --save)")
    }
    let source = try Vocabulary(serialized: sourceText, source: path)
    let target = try Vocabulary(serialized: targetText, source: path)
    var weights: [String: Tensor] = [:]
    for name in file.names where !name.hasPrefix(Self.optimizerPrefix) {
      weights[name] = try file.tensor(named: name)
    }
    let configuration = try Seq2SeqAttentionConfiguration(weights: weights, source: path)
    guard configuration.sourceVocabularySize == source.count,
      configuration.targetVocabularySize == target.count
    else {
      throw TranslationError(
        "\(path): the embeddings have \(configuration.sourceVocabularySize) source and "
          + "\(configuration.targetVocabularySize) target rows but the vocabularies hold \(source.count) "
          + "and \(target.count) tokens")
    }
    let model = configuration.build()
    do {
      try model.loadStateDict(weights)
    } catch let error as StateDictError {
      throw StateDictError("\(path): \(error.description)")
    }
    self.init(model: model, sourceVocabulary: source, targetVocabulary: target)
  }

  /// Writes the weights and both vocabularies (and `optimizer`'s state and `metadata`, for a
  /// checkpoint) to one safetensors file, atomically.
  public func save(to url: URL, optimizer: (any Optimizer)? = nil, metadata: [String: String] = [:]) throws {
    var entries = model.stateDict().map { (name: $0.name, tensor: $0.value, dtype: SafetensorsDType.f32) }
    if let optimizer {
      entries += optimizer.stateTensors().sorted { $0.key < $1.key }.map {
        (name: Self.optimizerPrefix + $0.key, tensor: $0.value, dtype: SafetensorsDType.f32)
      }
    }
    var all = metadata
    all[Self.sourceVocabularyKey] = sourceVocabulary.serialized()
    all[Self.targetVocabularyKey] = targetVocabulary.serialized()
    all["architecture"] = Seq2SeqAttentionConfiguration.architectureName
    try SafetensorsFile.write(entries, metadata: all, to: url)
  }

  /// The source ids of `text`; every sentence needs at least one token.
  /// - Throws: `TranslationError` for a text without tokens.
  public func sourceIDs(_ text: String) throws -> [Int] {
    let ids = sourceVocabulary.encode(text)
    guard !ids.isEmpty else {
      throw TranslationError("the text \"\(text)\" has no tokens to translate")
    }
    return ids
  }

  /// Translations of `texts`, greedy (`beamWidth` 1) or by beam search.
  /// - Parameter maximumLength: at most this many target tokens per translation.
  /// - Throws: `TranslationError` for a text without tokens or a width below 1.
  public func translate(_ texts: [String], beamWidth: Int = 1, maximumLength: Int = 64) throws -> [String] {
    guard beamWidth >= 1 else { throw TranslationError("beam width \(beamWidth): expected at least 1") }
    let sources = try texts.map { try sourceIDs($0) }
    let ids =
      beamWidth == 1
      ? greedy(sources, maximumLength: maximumLength)
      : try sources.map { try beamSearch($0, width: beamWidth, maximumLength: maximumLength) }
    return ids.map { targetText($0) }
  }

  /// Target ids as text (special tokens left out).
  public func targetText(_ ids: [Int]) -> String { targetVocabulary.decode(ids) }

  /// Greedy decoding of source id rows, `batchSize` rows at a time: at each step every
  /// unfinished row takes its most probable token (the lowest id on a tie) until `<eos>` or
  /// `maximumLength` tokens. Returns the target ids without `<eos>`.
  public func greedy(_ sources: [[Int]], maximumLength: Int, batchSize: Int = 64) -> [[Int]] {
    model.eval()
    var results: [[Int]] = []
    var start = 0
    while start < sources.count {
      let chunk = Array(sources[start..<min(start + batchSize, sources.count)])
      results += withoutGradients { greedyBatch(chunk, maximumLength: maximumLength) }
      start += batchSize
    }
    return results
  }

  func greedyBatch(_ sources: [[Int]], maximumLength: Int) -> [[Int]] {
    let batch = PaddedBatch(sequences: sources)
    let encoded = model.encoder.encode(Variable(batch.idTensor), lengths: batch.lengths)
    var state = model.decoder.initialState(encoded)
    var previous = [Int](repeating: Vocabulary.beginID, count: sources.count)
    var outputs = [[Int]](repeating: [], count: sources.count)
    var finished = [Bool](repeating: false, count: sources.count)
    for _ in 0..<maximumLength {
      state = model.decoder.step(
        tokens: Tensor(shape: [previous.count], scalars: previous.map { Float($0) }), state: state,
        encoded: encoded)
      let logits = model.decoder(state.attentional).value
      let v = logits.shape[1]
      let values = logits.scalars
      for row in sources.indices where !finished[row] {
        var best = 0
        for id in 1..<v where values[row * v + id] > values[row * v + best] { best = id }
        previous[row] = best
        if best == Vocabulary.endID { finished[row] = true } else { outputs[row].append(best) }
      }
      if !finished.contains(false) { break }
    }
    return outputs
  }
}
