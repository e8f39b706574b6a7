import ConvNetAutograd
import ConvNetData
import ConvNetIO
import ConvNetModels
import ConvNetNN
import ConvNetTensor
import Foundation

/// How `TextClassifierTraining` trains a text classifier.
public struct TextClassifierSettings: Sendable {
  public var architecture = TextClassifierDescription.Kind.textCNN
  /// `.characters` for Chinese (every character one token), `.words` for English.
  public var tokenizer = Tokenizer.characters
  /// Tokens seen fewer times in the training texts become `<unk>`.
  public var minimumCount = 2
  /// At most this many ids in the vocabulary (nil: no limit).
  public var maximumVocabularySize: Int? = nil
  /// Texts are cut to their first `maximumLength` tokens.
  public var maximumLength = 200
  public var embeddingSize = 128
  /// BiLSTM: hidden size per direction.
  public var hiddenSize = 128
  /// TextCNN: filters per width, and the widths.
  public var filters = 100
  public var widths = [3, 4, 5]
  /// Before the final linear layer (TextCNN, BiLSTM).
  public var dropout: Float = 0.5
  /// Held out of training, per class (stratified): the validation part is evaluated after every
  /// epoch, the test part once at the end.
  public var validationFraction = 0.1
  public var testFraction = 0.1
  public var epochs = 5
  public var batchSize = 64
  /// Adam's step size.
  public var learningRate: Float = 0.001
  /// Seeds the splits, the initial weights, the batch order and dropout.
  public var seed: UInt64 = 1

  public init() {}

  func check() throws {
    try SettingError.requirePositive(minimumCount, setting: "minimumCount", name: "minimum count")
    try SettingError.requirePositive(maximumLength, setting: "maximumLength", name: "maximum length")
    try SettingError.requirePositive(embeddingSize, setting: "embeddingSize", name: "embedding size")
    try SettingError.requirePositive(hiddenSize, setting: "hiddenSize", name: "hidden size")
    try SettingError.requirePositive(filters, setting: "filters", name: "filter count")
    try SettingError.requirePositive(epochs, setting: "epochs", name: "epoch count")
    try SettingError.requirePositive(batchSize, setting: "batchSize", name: "batch size")
    if let maximumVocabularySize, maximumVocabularySize <= Vocabulary.specialTokens.count {
      throw SettingError(
        setting: "maximumVocabularySize", name: "vocabulary size",
        detail: "must leave room for tokens after the \(Vocabulary.specialTokens.count) special ones, "
          + "got \(maximumVocabularySize)")
    }
    if widths.isEmpty || widths.contains(where: { $0 < 1 }) {
      throw SettingError(
        setting: "widths", name: "window widths", detail: "must be one or more integers ≥ 1, got \(widths)")
    }
    guard dropout >= 0 && dropout < 1 else {
      throw SettingError(setting: "dropout", name: "dropout", detail: "must be in [0, 1), got \(dropout)")
    }
    for (value, setting, name) in [
      (validationFraction, "validationFraction", "validation fraction"),
      (testFraction, "testFraction", "test fraction"),
    ] where !(value > 0 && value < 1) {
      throw SettingError(setting: setting, name: name, detail: "must be above 0 and below 1, got \(value)")
    }
    guard validationFraction + testFraction < 1 else {
      throw SettingError(
        setting: "validationFraction", name: "validation fraction",
        detail: "plus the test fraction must be below 1, got \(validationFraction) + \(testFraction)")
    }
    guard learningRate > 0 && learningRate.isFinite else {
      throw SettingError(
        setting: "learningRate", name: "learning rate", detail: "must be a positive number, got \(learningRate)")
    }
  }
}

/// What a training run reports while it runs.
public enum TextTrainingEvent: Sendable {
  /// A training batch done: 1-based batch index within `batches`; the epoch's mean loss and
  /// accuracy so far over `samples` texts.
  case batch(epoch: Int, index: Int, batches: Int, loss: Double, accuracy: Double, samples: Int)
  /// An epoch done: the training loss and accuracy over its batches (measured while training,
  /// dropout on), the validation metrics, the time it took.
  case epoch(TextEpochSummary)
}

public struct TextEpochSummary: Sendable {
  public var epoch: Int
  public var trainingLoss: Double
  public var trainingAccuracy: Double
  public var validation: TextClassificationMetrics
  public var seconds: Double
}

/// A problem with a text-training checkpoint that is not a malformed file.
public struct TextTrainingError: Error, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}

/// Trains a text classifier on a labelled dataset, with a stratified held-out split for
/// validation (every epoch) and one for the final test.
///
/// The texts are split first (test, then validation from the rest, both stratified by class
/// and seeded), the vocabulary is built from the training texts only, and every epoch goes
/// through length-bucketed batches (`BatchOrder.lengthBucketed`: reviews run from a few
/// characters to thousands, and a batch of similar lengths wastes little on padding) with Adam.
///
/// A checkpoint (`save(to:)`, written atomically) is a classifier file that `TextClassifier`
/// reads, plus Adam's state under `optimizer.` keys and the run's state in the metadata
/// (`trainingKey`: settings, completed epochs, the dropout generators). `resume(from:dataset:)`
/// restores all of it: the batch order of an epoch depends only on the seed and the epoch, so
/// a run resumed after epoch k continues exactly as the uninterrupted run.
public final class TextClassifierTraining {
  /// The metadata key of the run's state in a checkpoint.
  public static let trainingKey = "convnet.text-training"

  public let settings: TextClassifierSettings
  public let classifier: TextClassifier
  public let training: LabeledTextDataset
  public let validation: LabeledTextDataset
  public let test: LabeledTextDataset
  /// Epochs done so far (0 before training; the checkpoint's count after resuming).
  public private(set) var completedEpochs: Int
  let optimizer: Adam

  init(
    settings: TextClassifierSettings, classifier: TextClassifier, splits: Splits, completedEpochs: Int
  ) {
    self.settings = settings
    self.classifier = classifier
    (training, validation, test) = (splits.training, splits.validation, splits.test)
    self.completedEpochs = completedEpochs
    optimizer = Adam(parameters: classifier.model.parameters, learningRate: settings.learningRate)
  }

  typealias Splits = (training: LabeledTextDataset, validation: LabeledTextDataset, test: LabeledTextDataset)

  /// Test split first, then validation from the rest; both stratified and seeded.
  static func split(_ dataset: LabeledTextDataset, settings: TextClassifierSettings) throws -> Splits {
    let outer = try IndexSplit.stratified(
      labels: dataset.labels, classCount: dataset.classCount, validationFraction: settings.testFraction,
      seed: settings.seed)
    let rest = dataset.subset(outer.train)
    let inner = try IndexSplit.stratified(
      labels: rest.labels, classCount: rest.classCount,
      validationFraction: settings.validationFraction / (1 - settings.testFraction), seed: settings.seed &+ 1)
    let splits = (rest.subset(inner.train), rest.subset(inner.validation), dataset.subset(outer.validation))
    for (part, name) in [(splits.0, "training"), (splits.1, "validation"), (splits.2, "test")] where part.count == 0 {
      throw DataError(
        file: dataset.name, field: "rows",
        problem: "are \(dataset.count), too few for a \(name) split; expected enough texts for training, "
          + "validation and test")
    }
    return splits
  }

  /// Splits `dataset`, builds the vocabulary from the training texts and a fresh model.
  /// - Throws: `SettingError` for settings that cannot work, `DataError` for a dataset too
  ///   small to split.
  public static func prepare(_ dataset: LabeledTextDataset, settings: TextClassifierSettings) throws
    -> TextClassifierTraining
  {
    try settings.check()
    let splits = try split(dataset, settings: settings)
    let vocabulary = Vocabulary.build(
      from: splits.training.texts, tokenizer: settings.tokenizer, minimumCount: settings.minimumCount,
      maximumSize: settings.maximumVocabularySize)
    let description = TextClassifierDescription(
      kind: settings.architecture, vocabularySize: vocabulary.count, embeddingSize: settings.embeddingSize,
      classCount: dataset.classCount, filters: settings.filters, widths: settings.widths,
      hiddenSize: settings.hiddenSize, dropout: settings.dropout)
    let model = RandomSource.withSeed(settings.seed) { description.build() }
    let classifier = TextClassifier(
      description: description, vocabulary: vocabulary, classNames: dataset.classNames,
      maximumLength: settings.maximumLength, model: model)
    return TextClassifierTraining(settings: settings, classifier: classifier, splits: splits, completedEpochs: 0)
  }

  /// Trains epochs `completedEpochs + 1 … settings.epochs`, evaluating the validation split
  /// after each and calling `checkpoint` after each (to save it).
  public func run(
    progress: (TextTrainingEvent) -> Void = { _ in },
    checkpoint: (TextClassifierTraining) throws -> Void = { _ in }
  ) throws {
    guard completedEpochs < settings.epochs else { return }
    for epoch in (completedEpochs + 1)...settings.epochs {
      let started = Date()
      let (loss, accuracy) = trainEpoch(epoch, progress: progress)
      completedEpochs = epoch
      let validationMetrics = try classifier.evaluate(validation)
      progress(
        .epoch(
          TextEpochSummary(
            epoch: epoch, trainingLoss: loss, trainingAccuracy: accuracy, validation: validationMetrics,
            seconds: Date().timeIntervalSince(started))))
      try checkpoint(self)
    }
  }

  /// One pass over the training split; returns its mean loss and accuracy.
  func trainEpoch(_ epoch: Int, progress: (TextTrainingEvent) -> Void) -> (loss: Double, accuracy: Double) {
    let model = classifier.model
    model.train()
    let sequences = training.texts.map(classifier.ids(of:))
    let batches = BatchOrder.lengthBucketed(
      lengths: sequences.map(\.count), batchSize: settings.batchSize, seed: settings.seed, epoch: epoch)
    var lossSum = 0.0
    var correct = 0
    var seen = 0
    for (index, rows) in batches.enumerated() {
      let labels = rows.map { training.labels[$0] }
      optimizer.zeroGradients()
      let logits = TextClassifier.logits(model: model, sequences: rows.map { sequences[$0] })
      let loss = crossEntropy(logits: logits, labels: labels)
      loss.backward()
      optimizer.step()
      let value = Double(loss.value.scalar)
      lossSum += value * Double(rows.count)
      let k = logits.shape[1]
      let scores = logits.value.scalars
      for (i, label) in labels.enumerated() {
        let row = scores[(i * k)..<((i + 1) * k)]
        if row.indices.max(by: { row[$0] < row[$1] }) == i * k + label { correct += 1 }
      }
      seen += rows.count
      progress(
        .batch(
          epoch: epoch, index: index + 1, batches: batches.count, loss: lossSum / Double(seen),
          accuracy: Double(correct) / Double(seen), samples: seen))
    }
    model.eval()
    return (lossSum / Double(training.count), Double(correct) / Double(training.count))
  }

  /// The run's state stored in a checkpoint.
  struct StoredState: Codable {
    var architecture: String
    var minimumCount: Int
    var maximumVocabularySize: Int?
    var validationFraction: Double
    var testFraction: Double
    var batchSize: Int
    var learningRate: Float
    var seed: String
    var completedEpochs: Int
    /// The dataset's row count and classes, to refuse resuming on other data.
    var rows: Int
    var classes: [String]
    /// Dropout generators by module path, as hexadecimal state words.
    var generators: [String: [String]]
  }

  /// Writes the classifier with Adam's state and the run's state, atomically.
  public func save(to url: URL) throws {
    let model = classifier.model
    let state = StoredState(
      architecture: settings.architecture.rawValue, minimumCount: settings.minimumCount,
      maximumVocabularySize: settings.maximumVocabularySize, validationFraction: settings.validationFraction,
      testFraction: settings.testFraction, batchSize: settings.batchSize, learningRate: settings.learningRate,
      seed: String(settings.seed), completedEpochs: completedEpochs,
      rows: training.count + validation.count + test.count, classes: classifier.classNames,
      generators: model.generatorStates().mapValues { $0.stateWords.map { String($0, radix: 16) } })
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    var metadata = classifier.metadata
    metadata[Self.trainingKey] = String(decoding: try encoder.encode(state), as: UTF8.self)
    var entries = model.stateDict().map {
      (name: $0.name, tensor: $0.value, dtype: $0.isInteger ? SafetensorsDType.i64 : .f32)
    }
    entries += optimizer.stateTensors().sorted { $0.key < $1.key }.map {
      (name: Checkpoint.optimizerPrefix + $0.key, tensor: $0.value, dtype: SafetensorsDType.f32)
    }
    try SafetensorsFile.write(entries, metadata: metadata, to: url)
  }

  /// Continues the run saved at `url` on `dataset` (the same data it was trained on), up to
  /// `epochs` epochs in all (nil: the saved run's count is not known, so one more epoch).
  /// The architecture, sizes, vocabulary, splits, batch size, learning rate and seed are the
  /// saved run's.
  /// - Throws: `StateDictError`/`SafetensorsError` for an unreadable checkpoint,
  ///   `TextTrainingError` for one without training state or saved on other data.
  public static func resume(from url: URL, dataset: LabeledTextDataset, epochs: Int) throws
    -> TextClassifierTraining
  {
    let file = try SafetensorsFile.read(from: url)
    let classifier = try TextClassifier(file: file)
    guard let text = file.metadata[trainingKey],
      let state = try? JSONDecoder().decode(StoredState.self, from: Data(text.utf8)),
      let seed = UInt64(state.seed)
    else {
      throw TextTrainingError(
        "\(url.path): no readable \(trainingKey) metadata; expected a checkpoint written by "
          + "convnet train-text --save (a file without training state can only classify)")
    }
    guard state.rows == dataset.count, state.classes == dataset.classNames else {
      throw TextTrainingError(
        "\(url.path): the checkpoint was trained on \(state.rows) texts of classes "
          + "\(state.classes.joined(separator: ", ")); \(dataset.name) has \(dataset.count) of classes "
          + "\(dataset.classNames.joined(separator: ", ")) — resume on the same data")
    }
    var settings = TextClassifierSettings()
    let d = classifier.description
    settings.architecture = d.kind
    settings.tokenizer = classifier.vocabulary.tokenizer
    settings.minimumCount = state.minimumCount
    settings.maximumVocabularySize = state.maximumVocabularySize
    settings.maximumLength = classifier.maximumLength
    settings.embeddingSize = d.embeddingSize
    if d.kind == .biLSTM { settings.hiddenSize = d.hiddenSize }
    if d.kind == .textCNN { (settings.filters, settings.widths) = (d.filters, d.widths) }
    settings.dropout = d.dropout
    settings.validationFraction = state.validationFraction
    settings.testFraction = state.testFraction
    settings.batchSize = state.batchSize
    settings.learningRate = state.learningRate
    settings.seed = seed
    settings.epochs = epochs
    try settings.check()
    let run = TextClassifierTraining(
      settings: settings, classifier: classifier, splits: try split(dataset, settings: settings),
      completedEpochs: state.completedEpochs)
    var optimizerState: [String: Tensor] = [:]
    for name in file.names where name.hasPrefix(Checkpoint.optimizerPrefix) {
      optimizerState[String(name.dropFirst(Checkpoint.optimizerPrefix.count))] = try file.tensor(named: name)
    }
    do {
      try run.optimizer.loadState(optimizerState)
      var generators: [String: SeededGenerator] = [:]
      for (path, words) in state.generators {
        guard let generator = SeededGenerator(stateWords: words.compactMap { UInt64($0, radix: 16) }) else {
          throw TextTrainingError("\(url.path): the random state of \"\(path)\" is not four state words")
        }
        generators[path] = generator
      }
      try classifier.model.restoreGenerators(generators)
    } catch let error as TextTrainingError {
      throw error
    } catch {
      throw TextTrainingError("\(url.path): \(error)")
    }
    return run
  }
}
