import ConvNetAutograd
import ConvNetData
import ConvNetIO
import ConvNetModels
import ConvNetNN
import ConvNetTensor
import Foundation

/// The settings of a language-model training run (`LanguageModelTraining`).
public struct LanguageModelTrainingSettings: Equatable, Sendable {
  public var cell = LanguageModel.Cell.lstm
  /// E.
  public var embeddingSize = 64
  /// H.
  public var hiddenSize = 128
  /// L.
  public var layers = 1
  /// Dropout between stacked recurrent layers (L ≥ 2).
  public var dropout: Float = 0
  /// T: tokens per training window (backpropagation through time runs over one window).
  public var windowLength = 48
  public var batchSize = 32
  /// Epochs to reach (a resumed run continues up to this count).
  public var epochs = 10
  /// Adam's step size.
  public var learningRate: Float = 0.003
  /// Clip the gradients' global norm to this before each step; nil: no clipping.
  public var gradientClipNorm: Float? = 5
  /// The share of documents held out for validation perplexity (0: none).
  public var validationFraction = 0.1
  /// Seeds the weights, the document split and every epoch's batch order.
  public var seed: UInt64 = 1
  public var tokenizer = Tokenizer.characters
  /// Tokens seen fewer times in the training documents become `<unk>`.
  public var minimumCount = 1

  public init() {}

  /// - Throws: `SettingError` for the first setting that cannot work.
  public func validate() throws {
    func check(_ ok: Bool, _ setting: String, _ name: String, _ detail: String) throws {
      if !ok { throw SettingError(setting: setting, name: name, detail: detail) }
    }
    try check(
      embeddingSize >= 1, "embeddingSize", "embedding size", "must be at least 1, got \(embeddingSize)")
    try check(hiddenSize >= 1, "hiddenSize", "hidden size", "must be at least 1, got \(hiddenSize)")
    try check(layers >= 1, "layers", "layer count", "must be at least 1, got \(layers)")
    try check(dropout >= 0 && dropout < 1, "dropout", "dropout", "must be in [0, 1), got \(dropout)")
    try check(windowLength >= 1, "windowLength", "window length", "must be at least 1, got \(windowLength)")
    try check(batchSize >= 1, "batchSize", "batch size", "must be at least 1, got \(batchSize)")
    try check(epochs >= 1, "epochs", "epoch count", "must be at least 1, got \(epochs)")
    try check(
      learningRate.isFinite && learningRate > 0, "learningRate", "learning rate",
      "must be a finite number > 0, got \(learningRate)")
    if let clip = gradientClipNorm {
      try check(
        clip.isFinite && clip > 0, "gradientClipNorm", "gradient clip norm",
        "must be a finite number > 0, got \(clip)")
    }
    try check(
      validationFraction >= 0 && validationFraction < 1, "validationFraction", "validation fraction",
      "must be in [0, 1), got \(validationFraction)")
    try check(minimumCount >= 1, "minimumCount", "minimum count", "must be at least 1, got \(minimumCount)")
  }

  /// The model these settings build for a vocabulary of `vocabularySize` ids.
  public func modelConfiguration(vocabularySize: Int) -> LanguageModel.Configuration {
    LanguageModel.Configuration(
      cell: cell, vocabularySize: vocabularySize, embeddingSize: embeddingSize, hiddenSize: hiddenSize,
      layers: layers, dropout: dropout)
  }
}

/// The text a language model trains on: documents split into training and validation (whole
/// documents, so no poem is on both sides), the vocabulary of the training documents, and the
/// windows cut from each side's token stream.
public struct LanguageModelCorpus: Sendable {
  public let vocabulary: Vocabulary
  /// Indices into the documents given.
  public let trainingDocuments: [Int]
  public let validationDocuments: [Int]
  public let training: LanguageModelWindows
  /// Nil without validation documents.
  public let validation: LanguageModelWindows?

  /// The token stream of `documents`: `<eos>` first, then each document followed by `<eos>`.
  /// The leading `<eos>` makes the first document start as every other one does — after an
  /// `<eos>` — which is how generation primes the model (`LanguageModelGenerator`).
  public static func stream(of documents: [String], vocabulary: Vocabulary) -> [Int] {
    [Vocabulary.endID] + LanguageModelWindows.stream(of: documents, vocabulary: vocabulary)
  }

  /// - Parameter vocabulary: the vocabulary to use (a resumed run's); by default it is built
  ///   from the training documents.
  /// - Throws: `DataError` when there are no documents or the training text is shorter than
  ///   one window.
  public init(documents: [String], settings: LanguageModelTrainingSettings, vocabulary: Vocabulary? = nil)
    throws
  {
    guard !documents.isEmpty else {
      throw DataError(file: "text", field: "documents", problem: "are none, expected at least one")
    }
    var split = (train: Array(documents.indices), validation: [Int]())
    if settings.validationFraction > 0 && documents.count >= 2 {
      split = try IndexSplit.random(
        count: documents.count, validationFraction: settings.validationFraction, seed: settings.seed)
    }
    trainingDocuments = split.train
    validationDocuments = split.validation
    let trainingText = trainingDocuments.map { documents[$0] }
    let vocabulary =
      vocabulary
      ?? Vocabulary.build(
        from: trainingText, tokenizer: settings.tokenizer, minimumCount: settings.minimumCount)
    self.vocabulary = vocabulary
    training = try LanguageModelWindows(
      stream: Self.stream(of: trainingText, vocabulary: vocabulary), length: settings.windowLength)
    if validationDocuments.isEmpty {
      validation = nil
    } else {
      let stream = Self.stream(of: validationDocuments.map { documents[$0] }, vocabulary: vocabulary)
      // A short validation text is still measured whole, in one shorter window.
      validation = try LanguageModelWindows(
        stream: stream, length: min(settings.windowLength, stream.count - 1))
    }
  }
}

/// What one epoch measured.
public struct LanguageModelEpochReport: Equatable, Sendable {
  /// 1-based.
  public var epoch: Int
  /// Mean cross-entropy per training token (nats) over the epoch's batches.
  public var trainingLoss: Double
  /// Mean cross-entropy per validation token, and its exponential; nil without validation.
  public var validationLoss: Double?
  public var validationPerplexity: Double?
  public var seconds: Double
}

/// A character (or word) language model trained on documents: windows of the token stream,
/// Adam, gradient clipping by global norm, validation perplexity per epoch, atomic saves that
/// carry the vocabulary, and resume.
///
/// Saved file (safetensors): the model's state dict under PyTorch's keys (PyTorch loads it
/// with `load_state_dict(…, strict=False)` or after dropping `optimizer.` keys), Adam's state
/// under `optimizer.`, and metadata `convnet.vocabulary` (the vocabulary, tokenizer included),
/// `convnet.language-model` (`LanguageModelRecord`: architecture and run settings),
/// `architecture` and `epoch`.
public final class LanguageModelTraining {
  public let settings: LanguageModelTrainingSettings
  public let corpus: LanguageModelCorpus
  public let model: LanguageModel
  public let optimizer: Adam
  /// Epochs finished (restored by resume).
  public private(set) var completedEpochs = 0

  /// A new run on `documents`.
  /// - Throws: `SettingError`, `DataError` (see `LanguageModelCorpus`).
  public init(documents: [String], settings: LanguageModelTrainingSettings) throws {
    try settings.validate()
    self.settings = settings
    corpus = try LanguageModelCorpus(documents: documents, settings: settings)
    let configuration = settings.modelConfiguration(vocabularySize: corpus.vocabulary.count)
    model = RandomSource.withSeed(settings.seed) { LanguageModel(configuration) }
    optimizer = Adam(parameters: model.parameters, learningRate: settings.learningRate)
  }

  /// Continues the run saved at `url` on the same documents: its vocabulary, weights, Adam
  /// state and epoch count are restored; the next epoch's batches are those an uninterrupted
  /// run would have drawn (without dropout, the continuation is the same computation).
  /// - Throws: `StateDictError` naming the file when it is not a saved language-model run or
  ///   was trained with other settings (every setting but the epoch count, learning rate and
  ///   clipping must match).
  /// The settings the run saved in `url` was trained with, to continue it with
  /// `init(resumingFrom:documents:settings:)` after changing what may change (epochs, learning
  /// rate, clipping).
  /// - Throws: the file's read errors; `StateDictError` when it holds no language-model run.
  public static func savedSettings(at url: URL) throws -> LanguageModelTrainingSettings {
    let file = try SafetensorsFile.read(from: url)
    let record = try LanguageModelRecord(metadata: file.metadata, source: url.path)
    let vocabulary = try LanguageModelRecord.vocabulary(in: file.metadata, source: url.path)
    return record.settings(tokenizer: vocabulary.tokenizer)
  }

  public init(resumingFrom url: URL, documents: [String], settings: LanguageModelTrainingSettings) throws {
    try settings.validate()
    let file = try SafetensorsFile.read(from: url)
    let record = try LanguageModelRecord(metadata: file.metadata, source: url.path)
    let vocabulary = try LanguageModelRecord.vocabulary(in: file.metadata, source: url.path)
    var differences = record.differences(from: settings)
    if vocabulary.tokenizer != settings.tokenizer {
      differences.append("tokenizer was \(vocabulary.tokenizer), now \(settings.tokenizer)")
    }
    guard differences.isEmpty else {
      throw StateDictError(
        "\(url.path): was trained with other settings (\(differences.joined(separator: "; "))); "
          + "continuing needs the same ones")
    }
    guard let epoch = record.epoch else {
      throw StateDictError("\(url.path): metadata \(LanguageModelRecord.metadataKey) has no epoch count")
    }
    self.settings = settings
    corpus = try LanguageModelCorpus(documents: documents, settings: settings, vocabulary: vocabulary)
    model = LanguageModel(settings.modelConfiguration(vocabularySize: vocabulary.count))
    optimizer = Adam(parameters: model.parameters, learningRate: settings.learningRate)
    var weights: [String: Tensor] = [:]
    var optimizerState: [String: Tensor] = [:]
    for name in file.names {
      if name.hasPrefix(Checkpoint.optimizerPrefix) {
        optimizerState[String(name.dropFirst(Checkpoint.optimizerPrefix.count))] = try file.tensor(
          named: name)
      } else {
        weights[name] = try file.tensor(named: name)
      }
    }
    do {
      try model.loadStateDict(weights)
      try optimizer.loadState(optimizerState)
      if let words = record.generators {
        var states: [String: SeededGenerator] = [:]
        for (path, state) in words {
          guard let generator = SeededGenerator(stateWords: state) else {
            throw StateDictError("generator state of \"\(path)\" is not a valid state")
          }
          states[path] = generator
        }
        try model.restoreGenerators(states)
      }
    } catch {
      throw StateDictError("\(url.path): \(error)")
    }
    completedEpochs = epoch
  }

  /// Trains one epoch over every training window in this epoch's seeded order, then measures
  /// the validation perplexity.
  public func runEpoch() throws -> LanguageModelEpochReport {
    let start = Date()
    let epoch = completedEpochs
    let windows = corpus.training
    let batches = BatchOrder.batches(
      count: windows.count, batchSize: settings.batchSize, shuffle: true, seed: settings.seed, epoch: epoch)
    model.train()
    var total = 0.0
    var tokens = 0
    for indices in batches {
      optimizer.zeroGradients()
      let loss = Self.loss(of: model, windows: windows, indices: indices)
      loss.backward()
      if let clip = settings.gradientClipNorm { clipGradientNorm(model.parameters, maxNorm: clip) }
      optimizer.step()
      let count = indices.count * windows.length
      total += Double(loss.value.scalars[0]) * Double(count)
      tokens += count
    }
    completedEpochs += 1
    let trainingLoss = total / Double(tokens)
    guard trainingLoss.isFinite else {
      throw TrainingDivergedError(epoch: completedEpochs, loss: trainingLoss)
    }
    var report = LanguageModelEpochReport(
      epoch: completedEpochs, trainingLoss: trainingLoss, validationLoss: nil, validationPerplexity: nil,
      seconds: 0)
    if let validation = corpus.validation {
      let loss = Self.meanLoss(of: model, windows: validation, batchSize: settings.batchSize)
      report.validationLoss = loss
      report.validationPerplexity = try Perplexity.fromMeanCrossEntropy(loss)
    }
    report.seconds = Date().timeIntervalSince(start)
    return report
  }

  /// Mean cross-entropy per token of the windows at `indices` (each from a zero state).
  static func loss(of model: LanguageModel, windows: LanguageModelWindows, indices: [Int]) -> Variable {
    let (inputs, targets) = windows.batch(indices)
    let ids = Tensor(shape: [indices.count, windows.length], scalars: inputs.map { Float($0) })
    let logits = model(Variable(ids)).reshaped([targets.count, model.configuration.vocabularySize])
    return crossEntropy(logits: logits, labels: targets)
  }

  /// Mean cross-entropy per token over all `windows`, in evaluation mode, without gradients.
  public static func meanLoss(of model: LanguageModel, windows: LanguageModelWindows, batchSize: Int)
    -> Double
  {
    let wasTraining = model.isTraining
    model.eval()
    defer { model.train(wasTraining) }
    var total = 0.0
    for indices in BatchOrder.batches(
      count: windows.count, batchSize: batchSize, shuffle: false, seed: 0, epoch: 0)
    {
      let batchLoss = withoutGradients { Self.loss(of: model, windows: windows, indices: indices) }
      total += Double(batchLoss.value.scalars[0]) * Double(indices.count)
    }
    return total / Double(windows.count)
  }

  /// Writes weights, Adam state, vocabulary and settings to `url` atomically (a reader sees the
  /// previous file or this one).
  public func save(to url: URL) throws {
    var record = LanguageModelRecord(settings: settings, epoch: completedEpochs)
    record.generators = model.generatorStates().mapValues(\.stateWords)
    var metadata: [String: String] = [
      Vocabulary.metadataKey: corpus.vocabulary.serialized(),
      LanguageModelRecord.metadataKey: record.serialized(),
      "architecture": settings.cell.architectureName,
      "format": "pt",
    ]
    metadata["epoch"] = String(completedEpochs)
    var entries = model.stateDict().map {
      (name: $0.name, tensor: $0.value, dtype: $0.isInteger ? SafetensorsDType.i64 : .f32)
    }
    entries += optimizer.stateTensors().sorted { $0.key < $1.key }.map {
      (name: Checkpoint.optimizerPrefix + $0.key, tensor: $0.value, dtype: SafetensorsDType.f32)
    }
    try SafetensorsFile.write(entries, metadata: metadata, to: url)
  }
}

/// The loss stopped being a number (too large a learning rate, or no clipping).
public struct TrainingDivergedError: Error, CustomStringConvertible, Sendable {
  public var epoch: Int
  public var loss: Double
  public var description: String {
    "training diverged in epoch \(epoch): mean loss \(loss); lower the learning rate or clip gradients"
  }
}
