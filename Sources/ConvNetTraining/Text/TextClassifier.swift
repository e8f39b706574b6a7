import ConvNetAutograd
import ConvNetData
import ConvNetIO
import ConvNetModels
import ConvNetNN
import ConvNetTensor
import Foundation

/// How well a text classifier does on labelled texts.
public struct TextClassificationMetrics: Equatable, Sendable {
  /// The number of texts.
  public var count: Int
  /// Mean cross-entropy.
  public var loss: Double
  public var accuracy: Double
  /// ROC AUC of the second class's probability for two classes (`pos` after `neg`), the mean
  /// of the one-vs-rest AUCs for more (classes absent from the texts left out); nil when no
  /// class has both members and non-members among the texts.
  public var auc: Double?
  /// `confusion[true][predicted]` counts, in class order.
  public var confusion: [[Int]]
}

/// A trained text classifier with its vocabulary and classes: what a weight file written by
/// `TextClassifierTraining` holds — the state dict (PyTorch keys, see
/// `TextClassifierDescription`) with, in the metadata, the vocabulary (`Vocabulary.metadataKey`),
/// the model description, the class names and the maximum length — so that a text is cut,
/// numbered and truncated exactly as in training.
public struct TextClassifier {
  /// Metadata keys besides the vocabulary and the description.
  public static let classesKey = "convnet.text-classes"
  public static let maximumLengthKey = "convnet.text-maximum-length"

  public let description: TextClassifierDescription
  public let vocabulary: Vocabulary
  public let classNames: [String]
  /// Texts are cut to their first `maximumLength` tokens.
  public let maximumLength: Int
  public let model: any TextClassifierModel

  public init(
    description: TextClassifierDescription, vocabulary: Vocabulary, classNames: [String], maximumLength: Int,
    model: any TextClassifierModel
  ) {
    self.description = description
    self.vocabulary = vocabulary
    self.classNames = classNames
    self.maximumLength = maximumLength
    self.model = model
  }

  /// One text's result.
  public struct Prediction: Equatable, Sendable {
    public var className: String
    /// The probability of `className`.
    public var probability: Double
    /// Every class's probability, in class order.
    public var probabilities: [Double]
  }

  /// The ids of `text`, cut to `maximumLength`; a text with no token becomes one `<unk>`.
  func ids(of text: String) -> [Int] {
    let ids = Array(vocabulary.encode(text).prefix(maximumLength))
    return ids.isEmpty ? [Vocabulary.unknownID] : ids
  }

  /// The logits of the texts at `rows` of `sequences` (ids), padded to at least the model's
  /// minimum length. Runs in the model's current mode and records gradients if enabled.
  static func logits(model: any TextClassifierModel, sequences: [[Int]]) -> Variable {
    let batch = PaddedBatch(sequences: sequences)
    let length = max(batch.length, model.minimumLength)
    var ids = [Float](repeating: Float(Vocabulary.padID), count: batch.batchSize * length)
    for row in 0..<batch.batchSize {
      for column in 0..<batch.lengths[row] { ids[row * length + column] = Float(batch[row, column]) }
    }
    return model.logits(
      ids: Variable(Tensor(shape: [batch.batchSize, length], scalars: ids)), lengths: batch.lengths)
  }

  /// Softmax of each row of logits [N, K].
  static func probabilities(_ logits: Tensor) -> [[Double]] {
    let k = logits.shape[1]
    let values = logits.scalars.map(Double.init)
    return (0..<logits.shape[0]).map { i in
      let row = values[(i * k)..<((i + 1) * k)]
      let top = row.max() ?? 0
      let exps = row.map { Foundation.exp($0 - top) }
      let sum = exps.reduce(0, +)
      return exps.map { $0 / sum }
    }
  }

  /// Class probabilities of `texts` (evaluation mode, batches of `batchSize` texts of similar
  /// length), in the order of `texts`.
  public func probabilities(_ texts: [String], batchSize: Int = 256) -> [[Double]] {
    model.eval()
    let sequences = texts.map(ids(of:))
    let order = sequences.indices.sorted { sequences[$0].count < sequences[$1].count }
    var result = [[Double]](repeating: [], count: texts.count)
    var start = 0
    while start < order.count {
      let rows = Array(order[start..<min(start + max(1, batchSize), order.count)])
      let logits = withoutGradients { Self.logits(model: model, sequences: rows.map { sequences[$0] }) }
      for (row, p) in zip(rows, Self.probabilities(logits.value)) { result[row] = p }
      start += rows.count
    }
    return result
  }

  /// The most probable class of each text.
  public func classify(_ texts: [String]) -> [Prediction] {
    probabilities(texts).map { p in
      let best = p.indices.max { p[$0] < p[$1] } ?? 0
      return Prediction(className: classNames[best], probability: p[best], probabilities: p)
    }
  }

  /// Accuracy, AUC, loss and confusion on `dataset`, whose labels are matched to this
  /// classifier's classes by name.
  /// - Throws: `DataError` (file `dataset.name`) for a label that is not one of the classes,
  ///   `MetricError` for an empty dataset.
  public func evaluate(_ dataset: LabeledTextDataset, batchSize: Int = 256) throws -> TextClassificationMetrics {
    let index = Dictionary(uniqueKeysWithValues: classNames.enumerated().map { ($1, $0) })
    var mapping: [Int] = []
    for name in dataset.classNames {
      guard let found = index[name] else {
        throw DataError(
          file: dataset.name, field: "label \"\(name)\"",
          problem: "is not one of the classifier's classes (\(classNames.joined(separator: ", ")))")
      }
      mapping.append(found)
    }
    let labels = dataset.labels.map { mapping[$0] }
    return try Self.metrics(
      probabilities: probabilities(dataset.texts, batchSize: batchSize), labels: labels,
      classCount: classNames.count)
  }

  static func metrics(probabilities p: [[Double]], labels: [Int], classCount: Int) throws
    -> TextClassificationMetrics
  {
    let predicted = p.map { row in row.indices.max { row[$0] < row[$1] } ?? 0 }
    let accuracy = try ClassificationMetrics.accuracy(predictions: predicted, labels: labels)
    var confusion = [[Int]](repeating: [Int](repeating: 0, count: classCount), count: classCount)
    var loss = 0.0
    for (row, label) in labels.enumerated() {
      confusion[label][predicted[row]] += 1
      loss -= Foundation.log(max(p[row][label], 1e-300))
    }
    var aucs: [Double] = []
    for positive in (classCount == 2 ? [1] : Array(0..<classCount)) {
      let isPositive = labels.map { $0 == positive }
      guard isPositive.contains(true), isPositive.contains(false) else { continue }
      aucs.append(try ClassificationMetrics.rocAUC(scores: p.map { $0[positive] }, positives: isPositive))
    }
    return TextClassificationMetrics(
      count: labels.count, loss: loss / Double(labels.count), accuracy: accuracy,
      auc: aucs.isEmpty ? nil : aucs.reduce(0, +) / Double(aucs.count), confusion: confusion)
  }

  /// The metadata that describes the classifier (vocabulary, description, classes, length).
  var metadata: [String: String] {
    let classes = (try? JSONEncoder().encode(classNames)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    return [
      Vocabulary.metadataKey: vocabulary.serialized(),
      TextClassifierDescription.metadataKey: description.serialized(),
      Self.classesKey: classes,
      Self.maximumLengthKey: "\(maximumLength)",
    ]
  }

  /// Reads a file written by `TextClassifierTraining` (`--save`): weights, vocabulary and
  /// classes; optimiser state in the file is ignored.
  /// - Throws: `SafetensorsError` for an unreadable file; `StateDictError` naming the file when
  ///   the metadata is missing or does not fit the weights.
  public init(contentsOf url: URL) throws {
    let file = try SafetensorsFile.read(from: url)
    try self.init(file: file)
  }

  init(file: SafetensorsFile) throws {
    let source = file.url.path
    func field(_ key: String) throws -> String {
      guard let text = file.metadata[key] else {
        throw StateDictError(
          "\(source): no \(key) metadata; expected weights saved by a text classifier (convnet train-text --save)")
      }
      return text
    }
    let description = try TextClassifierDescription(
      serialized: try field(TextClassifierDescription.metadataKey), source: source)
    let vocabulary: Vocabulary
    do {
      vocabulary = try Vocabulary(serialized: try field(Vocabulary.metadataKey), source: source)
    } catch let error as DataError {
      throw StateDictError(error.description)
    }
    guard let classNames = try? JSONDecoder().decode([String].self, from: Data(try field(Self.classesKey).utf8)),
      classNames.count == description.classCount
    else {
      throw StateDictError(
        "\(source): metadata \(Self.classesKey) is not a list of \(description.classCount) class names")
    }
    guard let maximumLength = Int(try field(Self.maximumLengthKey)), maximumLength >= 1 else {
      throw StateDictError("\(source): metadata \(Self.maximumLengthKey) is not a positive integer")
    }
    guard vocabulary.count == description.vocabularySize else {
      throw StateDictError(
        "\(source): the vocabulary has \(vocabulary.count) tokens but the model's embedding has "
          + "\(description.vocabularySize) rows")
    }
    let model = description.build()
    var tensors: [String: Tensor] = [:]
    for name in file.names where !name.hasPrefix(Checkpoint.optimizerPrefix) {
      tensors[name] = try file.tensor(named: name)
    }
    do {
      try model.loadStateDict(tensors)
    } catch let error as StateDictError {
      throw StateDictError("\(source): \(error.description)")
    }
    model.eval()
    self.init(
      description: description, vocabulary: vocabulary, classNames: classNames, maximumLength: maximumLength,
      model: model)
  }
}
