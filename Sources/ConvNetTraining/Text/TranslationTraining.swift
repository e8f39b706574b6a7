import ConvNetAutograd
import ConvNetData
import ConvNetIO
import ConvNetModels
import ConvNetNN
import ConvNetTensor
import Foundation

/// How `TranslationTraining` trains a translator.
public struct TranslationSettings: Codable, Equatable, Sendable {
  public var attention = Seq2SeqAttentionConfiguration.Attention.luongGeneral
  public var embeddingSize = 128
  public var hiddenSize = 256
  public var layers = 1
  public var bidirectional = false
  public var epochs = 20
  public var batchSize = 64
  /// Adam's learning rate.
  public var learningRate: Float = 0.001
  /// The joint gradient norm is clipped to this (`clipGradientNorm`).
  public var gradientClipNorm: Float = 1
  /// The fraction of pairs held out for validation loss and BLEU.
  public var validationFraction = 0.05
  /// Seeds the pair subset, the split, the initial weights and the batch order.
  public var seed: UInt64 = 1
  /// Use only this many pairs (a seeded random subset), nil: all.
  public var maximumPairs: Int? = nil
  /// Source and target sequences are cut to this many tokens for training.
  public var maximumLength = 32
  /// Source words seen fewer times in the training pairs become `<unk>`.
  public var minimumSourceCount = 1
  /// Target characters seen fewer times become `<unk>`.
  public var minimumTargetCount = 1
  /// How the two sides are cut into tokens: English words, Chinese characters.
  public var sourceTokenizer = TokenizerName.words
  public var targetTokenizer = TokenizerName.charactersWithoutSpaces

  public init() {}

  /// `Tokenizer` by a name that can be stored.
  public enum TokenizerName: String, Codable, CaseIterable, Sendable {
    case words
    case characters
    case charactersWithoutSpaces = "characters-without-spaces"

    public var tokenizer: Tokenizer {
      switch self {
      case .words: return .words
      case .characters: return .characters
      case .charactersWithoutSpaces: return .charactersWithoutSpaces
      }
    }
  }

  func check() throws {
    try SettingError.requirePositive(embeddingSize, setting: "embeddingSize", name: "embedding size")
    try SettingError.requirePositive(hiddenSize, setting: "hiddenSize", name: "hidden size")
    try SettingError.requirePositive(layers, setting: "layers", name: "layer count")
    try SettingError.requirePositive(epochs, setting: "epochs", name: "epochs")
    try SettingError.requirePositive(batchSize, setting: "batchSize", name: "batch size")
    try SettingError.requirePositive(maximumLength, setting: "maximumLength", name: "maximum length")
    try SettingError.requirePositive(minimumSourceCount, setting: "minimumSourceCount", name: "minimum source count")
    try SettingError.requirePositive(minimumTargetCount, setting: "minimumTargetCount", name: "minimum target count")
    if let maximumPairs { try SettingError.requirePositive(maximumPairs, setting: "maximumPairs", name: "pair count") }
    guard learningRate > 0 && learningRate.isFinite else {
      throw SettingError(
        setting: "learningRate", name: "learning rate", detail: "must be a positive number, got \(learningRate)")
    }
    guard gradientClipNorm > 0 && gradientClipNorm.isFinite else {
      throw SettingError(
        setting: "gradientClipNorm", name: "gradient clip norm",
        detail: "must be a positive number, got \(gradientClipNorm)")
    }
    guard validationFraction > 0 && validationFraction < 1 else {
      throw SettingError(
        setting: "validationFraction", name: "validation fraction",
        detail: "must be above 0 and below 1, got \(validationFraction)")
    }
  }
}

/// One epoch's numbers.
public struct TranslationEpoch: Codable, Equatable, Sendable {
  public var epoch: Int
  /// Mean cross-entropy per target token (`<eos>` included) over the epoch's batches.
  public var trainingLoss: Double
  /// The same on the held-out pairs, with teacher forcing, after the epoch.
  public var validationLoss: Double
  public var seconds: Double
}

/// BLEU of held-out translations, and a few of them.
public struct TranslationEvaluation: Sendable {
  public struct Example: Sendable {
    public var source: String
    public var reference: String
    public var greedy: String
    public var beam: String?
  }
  /// Corpus BLEU of greedy decoding.
  public var greedyBLEU: BLEU
  /// Corpus BLEU of beam search (nil when the width is 1).
  public var beamBLEU: BLEU?
  public var beamWidth: Int
  /// Sentences translated.
  public var count: Int
  /// True when BLEU counted characters (the target is cut into characters, as for Chinese).
  public var characterLevel: Bool
  public var examples: [Example]
}

/// Trains a `Seq2SeqAttention` translator on sentence pairs with teacher forcing, Adam and
/// gradient-norm clipping, and evaluates it by BLEU on a held-out split.
///
/// Data: a seeded random subset (`maximumPairs`), then a seeded random split
/// (`validationFraction`); the vocabularies are built from the training pairs only (source
/// words, target characters). Batches group pairs of similar source length
/// (`BatchOrder.lengthBucketed`, seeded per epoch). The loss is the mean cross-entropy over the
/// real target tokens of a batch (padding is left out before the output projection).
///
/// `save` writes a checkpoint after every epoch (atomically: the weights, both vocabularies,
/// Adam's state and the run — settings and history — in `convnet.translation`); `resuming` a
/// checkpoint continues with its settings, vocabularies, weights and Adam state from the next
/// epoch, with the same split and batch orders as an uninterrupted run.
public final class TranslationTraining {
  /// The metadata key of the run (settings and history) in a checkpoint.
  public static let runKey = "convnet.translation"

  struct Run: Codable {
    var settings: TranslationSettings
    var history: [TranslationEpoch]
  }

  public let settings: TranslationSettings
  public let training: ParallelTextDataset
  public let validation: ParallelTextDataset
  public let translator: Translator
  public private(set) var history: [TranslationEpoch]
  let optimizer: Adam

  /// Prepares a run: subset, split and vocabularies from `dataset` — or, when `resuming` names
  /// a checkpoint, everything but the data from that file (its settings replace `settings`,
  /// except `epochs`, which may be raised to train further).
  /// - Throws: `SettingError`, `TranslationError` (no usable pairs, a checkpoint that is not a
  ///   translation run), and the file's read errors.
  public init(dataset: ParallelTextDataset, settings requested: TranslationSettings, resuming: URL? = nil) throws {
    try requested.check()
    var settings = requested
    var history: [TranslationEpoch] = []
    var resumed: (Translator, [String: Tensor])? = nil
    if let resuming {
      let file = try SafetensorsFile.read(from: resuming)
      guard let runText = file.metadata[Self.runKey],
        let run = try? JSONDecoder().decode(Run.self, from: Data(runText.utf8))
      else {
        throw TranslationError(
          "\(resuming.path): no \(Self.runKey) metadata; expected a checkpoint written by translation training")
      }
      settings = run.settings
      settings.epochs = requested.epochs
      history = run.history
      var optimizerState: [String: Tensor] = [:]
      for name in file.names where name.hasPrefix(Translator.optimizerPrefix) {
        optimizerState[String(name.dropFirst(Translator.optimizerPrefix.count))] = try file.tensor(named: name)
      }
      resumed = (try Translator(file: file, path: resuming.path), optimizerState)
    }
    self.settings = settings
    var pairs = dataset
    if let maximumPairs = settings.maximumPairs, maximumPairs < dataset.count {
      let order = SeededPermutation.permutation(count: dataset.count, seed: settings.seed, epoch: -1)
      pairs = dataset.subset(Array(order.prefix(maximumPairs)))
    }
    guard pairs.count >= 2 else {
      throw TranslationError("\(dataset.name): \(pairs.count) pair(s); expected at least 2 (training and held out)")
    }
    (training, validation) = try pairs.randomSplit(validationFraction: settings.validationFraction, seed: settings.seed)
    if let (translator, optimizerState) = resumed {
      self.translator = translator
      optimizer = Adam(parameters: translator.model.parameters, learningRate: settings.learningRate)
      try optimizer.loadState(optimizerState)
    } else {
      let source = Vocabulary.build(
        from: training.sources, tokenizer: settings.sourceTokenizer.tokenizer,
        minimumCount: settings.minimumSourceCount)
      let target = Vocabulary.build(
        from: training.targets, tokenizer: settings.targetTokenizer.tokenizer,
        minimumCount: settings.minimumTargetCount)
      let configuration = Seq2SeqAttentionConfiguration(
        sourceVocabularySize: source.count, targetVocabularySize: target.count,
        embeddingSize: settings.embeddingSize, hiddenSize: settings.hiddenSize, layers: settings.layers,
        bidirectional: settings.bidirectional, attention: settings.attention)
      let model = RandomSource.withSeed(settings.seed) { configuration.build() }
      translator = Translator(model: model, sourceVocabulary: source, targetVocabulary: target)
      optimizer = Adam(parameters: model.parameters, learningRate: settings.learningRate)
    }
    self.history = history
  }

  /// Completed epochs (from a resumed checkpoint included).
  public var completedEpochs: Int { history.count }

  /// Trains the remaining epochs, calling `progress` after each and saving to `save` (if given).
  public func train(save: URL? = nil, progress: (TranslationEpoch) -> Void = { _ in }) throws {
    let trainingIDs = encodedPairs(training)
    guard !trainingIDs.isEmpty else {
      throw TranslationError("no training pair has tokens on both sides")
    }
    let validationIDs = encodedPairs(validation)
    let lengths = trainingIDs.map(\.source.count)
    let model = translator.model
    while history.count < settings.epochs {
      let epoch = history.count + 1
      let started = Date()
      model.train()
      var lossSum = 0.0
      var tokenSum = 0
      for batch in BatchOrder.lengthBucketed(
        lengths: lengths, batchSize: settings.batchSize, seed: settings.seed, epoch: epoch)
      {
        optimizer.zeroGradients()
        let (loss, tokens) = self.loss(batch.map { trainingIDs[$0] })
        loss.backward()
        clipGradientNorm(model.parameters, maxNorm: settings.gradientClipNorm)
        optimizer.step()
        lossSum += Double(loss.value.scalar) * Double(tokens)
        tokenSum += tokens
      }
      let record = TranslationEpoch(
        epoch: epoch, trainingLoss: lossSum / Double(max(1, tokenSum)),
        validationLoss: validationLoss(validationIDs), seconds: Date().timeIntervalSince(started))
      history.append(record)
      if let save { try saveCheckpoint(to: save) }
      progress(record)
    }
    model.eval()
  }

  /// Writes the translator, Adam's state and the run, atomically.
  public func saveCheckpoint(to url: URL) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let run = String(decoding: try encoder.encode(Run(settings: settings, history: history)), as: UTF8.self)
    try translator.save(to: url, optimizer: optimizer, metadata: [Self.runKey: run])
  }

  /// Pairs as (source ids, target ids) cut to `maximumLength`, leaving out pairs with an empty side.
  func encodedPairs(_ dataset: ParallelTextDataset) -> [(source: [Int], target: [Int])] {
    dataset.pairs.compactMap { pair in
      let source = Array(translator.sourceVocabulary.encode(pair.source).prefix(settings.maximumLength))
      let target = Array(translator.targetVocabulary.encode(pair.target).prefix(settings.maximumLength))
      return source.isEmpty || target.isEmpty ? nil : (source, target)
    }
  }

  /// The mean cross-entropy over the real target tokens (and `<eos>`) of `pairs`, with the
  /// number of those tokens.
  func loss(_ pairs: [(source: [Int], target: [Int])]) -> (loss: Variable, tokens: Int) {
    let source = PaddedBatch(sequences: pairs.map(\.source))
    let input = PaddedBatch(sequences: pairs.map { [Vocabulary.beginID] + $0.target })
    let target = PaddedBatch(sequences: pairs.map { $0.target + [Vocabulary.endID] })
    let model = translator.model
    let encoded = model.encoder.encode(Variable(source.idTensor), lengths: source.lengths)
    let attentional = model.decoder.teacherForced(input.idTensor, encoded: encoded)
    let h = model.configuration.hiddenSize
    // Only the rows of real target tokens reach the output projection and the loss.
    var rows: [Int] = []
    var labels: [Int] = []
    for row in 0..<target.batchSize {
      for column in 0..<target.lengths[row] {
        rows.append(row * target.length + column)
        labels.append(target[row, column])
      }
    }
    let selected = indexSelect(attentional.reshaped([target.batchSize * target.length, h]), axis: 0, indices: rows)
    return (crossEntropy(logits: model.decoder(selected), labels: labels), labels.count)
  }

  /// Mean cross-entropy per target token on `pairs`, teacher-forced, without gradients.
  func validationLoss(_ pairs: [(source: [Int], target: [Int])]) -> Double {
    translator.model.eval()
    var sum = 0.0
    var tokens = 0
    withoutGradients {
      for batch in BatchOrder.batches(
        count: pairs.count, batchSize: settings.batchSize, shuffle: false, seed: 0, epoch: 0)
      {
        let (loss, count) = self.loss(batch.map { pairs[$0] })
        sum += Double(loss.value.scalar) * Double(count)
        tokens += count
      }
    }
    return tokens == 0 ? .nan : sum / Double(tokens)
  }

  /// BLEU of the held-out pairs' translations against their references — greedy and, for
  /// `beamWidth` > 1, by beam search — counted in characters when the target is cut into
  /// characters (`BLEU.characterTokens`, as sacrebleu's `zh`), else in the target's tokens.
  /// - Parameters:
  ///   - limit: translate at most this many held-out pairs (the first ones), nil: all.
  ///   - exampleCount: how many translations to return as examples.
  public func evaluate(
    beamWidth: Int = 4, maximumLength: Int = 64, limit: Int? = nil, exampleCount: Int = 5
  ) throws -> TranslationEvaluation {
    let pairs = validation.pairs.prefix(limit ?? validation.count).filter {
      !translator.sourceVocabulary.encode($0.source).isEmpty
    }
    guard !pairs.isEmpty else { throw TranslationError("no held-out pair to translate") }
    let sources = pairs.map { translator.sourceVocabulary.encode($0.source) }
    let greedy = translator.greedy(sources, maximumLength: maximumLength).map(translator.targetText)
    let beam =
      beamWidth > 1
      ? try sources.map {
        translator.targetText(try translator.beamSearch($0, width: beamWidth, maximumLength: maximumLength))
      }
      : nil
    let characterLevel = translator.targetVocabulary.tokenizer != .words
    let tokens: (String) -> [String] =
      characterLevel ? BLEU.characterTokens : { self.translator.targetVocabulary.tokenizer.tokens(in: $0) }
    let references = pairs.map { tokens($0.target) }
    let greedyBLEU = try BLEU(candidates: greedy.map(tokens), references: references)
    let beamBLEU = try beam.map { try BLEU(candidates: $0.map(tokens), references: references) }
    let examples = pairs.indices.prefix(exampleCount).map { i in
      TranslationEvaluation.Example(
        source: pairs[i].source, reference: pairs[i].target, greedy: greedy[i], beam: beam?[i])
    }
    return TranslationEvaluation(
      greedyBLEU: greedyBLEU, beamBLEU: beamBLEU, beamWidth: beamWidth, count: pairs.count,
      characterLevel: characterLevel, examples: examples)
  }
}
