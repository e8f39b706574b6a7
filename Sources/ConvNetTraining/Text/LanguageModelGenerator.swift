import ConvNetAutograd
import ConvNetData
import ConvNetIO
import ConvNetModels
import ConvNetNN
import ConvNetTensor
import Foundation

/// Text from a trained language model: a prompt, then one sampled token at a time.
///
/// The model is primed with `<eos>` — in training every document follows an `<eos>`
/// (`LanguageModelCorpus.stream`), so this is "the start of a new poem" — then the prompt, in
/// one call; after that each new token is fed alone with the recurrent state carried from the
/// previous step, so the prefix is never run again and a step costs the same at any length.
/// Generation stops at `<eos>` (the end of a document) or after `length` new tokens.
public struct LanguageModelGenerator {
  public let model: LanguageModel
  public let vocabulary: Vocabulary
  /// Names the weights in errors.
  public let source: String

  public init(model: LanguageModel, vocabulary: Vocabulary, source: String = "model") {
    self.model = model
    self.vocabulary = vocabulary
    self.source = source
  }

  /// The model and vocabulary saved by `LanguageModelTraining` at `url` (the architecture is
  /// read from the metadata, the sizes from the weights).
  /// - Throws: `StateDictError` naming the file when the metadata or the weights do not fit.
  public init(weightsAt url: URL) throws {
    let file = try SafetensorsFile.read(from: url)
    let record = try LanguageModelRecord(metadata: file.metadata, source: url.path)
    let vocabulary = try LanguageModelRecord.vocabulary(in: file.metadata, source: url.path)
    let model = try LanguageModelInference.loadModel(cell: record.cell ?? .lstm, weightsAt: url)
    guard model.configuration.vocabularySize == vocabulary.count else {
      throw StateDictError(
        "\(url.path): the vocabulary has \(vocabulary.count) tokens but the weights \(model.configuration.vocabularySize)"
      )
    }
    self.init(model: model, vocabulary: vocabulary, source: url.path)
  }

  /// The ids of `prompt`.
  /// - Throws: `DataError` naming every token of the prompt that is not in the vocabulary.
  public func promptIDs(_ prompt: String) throws -> [Int] {
    let tokens = vocabulary.tokenizer.tokens(in: prompt)
    let unknown = tokens.filter { !vocabulary.contains($0) }
    guard unknown.isEmpty else {
      var seen = Set<String>()
      let names = unknown.filter { seen.insert($0).inserted }.map { "\"\($0)\"" }.joined(separator: ", ")
      throw DataError(
        file: "prompt", field: unknown.count == 1 ? "token \(names)" : "tokens \(names)",
        problem: "not in the vocabulary of \(source) (\(vocabulary.count) tokens); the model never saw "
          + "\(unknown.count == 1 ? "it" : "them") in training")
    }
    return tokens.map { vocabulary.id(of: $0) }
  }

  /// The prompt followed by up to `length` generated tokens, as text.
  /// - Parameters:
  ///   - sampler: how each next token is chosen from the logits (greedy, temperature, top-k,
  ///     top-p).
  ///   - generator: the random numbers the sampler draws; the same seed gives the same text.
  public func generate(
    prompt: String, length: Int, sampler: TokenSampler, generator: inout SeededGenerator
  ) throws -> String {
    let ids = try promptIDs(prompt)
    return vocabulary.tokenizer.text(
      from: (ids + continuation(of: ids, length: length, sampler: sampler, generator: &generator))
        .compactMap { id in id < Vocabulary.specialTokens.count ? nil : vocabulary.token(for: id) })
  }

  /// Up to `length` new ids after `prompt`, ending before `<eos>`.
  public func continuation(
    of prompt: [Int], length: Int, sampler: TokenSampler, generator: inout SeededGenerator
  ) -> [Int] {
    model.eval()
    var produced: [Int] = []
    var input = [Vocabulary.endID] + prompt
    var state: RecurrentState? = nil
    withoutGradients {
      while produced.count < length {
        let ids = Tensor(shape: [1, input.count], scalars: input.map { Float($0) })
        let (logits, next) = model.run(Variable(ids), state: state)
        state = next
        let v = model.configuration.vocabularySize
        var last = Array(logits.value.scalars[((input.count - 1) * v)..<(input.count * v)])
        // Never emit a token that is not text: <pad> and <bos> never occur as targets, and
        // <unk> stands for rare tokens the model cannot spell out.
        for id in [Vocabulary.padID, Vocabulary.unknownID, Vocabulary.beginID] where id < v {
          last[id] = -.infinity
        }
        let token = sampler.sample(logits: last, using: &generator)
        if token == Vocabulary.endID { break }
        produced.append(token)
        input = [token]
      }
    }
    return produced
  }
}
