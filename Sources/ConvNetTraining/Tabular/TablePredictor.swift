import ConvNetAutograd
import ConvNetData
import ConvNetIO
import ConvNetModels
import ConvNetNN
import ConvNetTensor
import Foundation

/// A trained table model with the preprocessing it was trained with: what a weight file written
/// by `save(to:)` holds (the state dict, plus the preprocessing — column names, means, standard
/// deviations, categories, classes — and the model description as safetensors metadata), so
/// predictions on a new file use exactly the training's columns and scaling.
public struct TablePredictor {
  public let description: TableModel
  public let preprocessing: TabularPreprocessing
  public let model: any Module

  public init(description: TableModel, preprocessing: TabularPreprocessing, model: any Module) {
    self.description = description
    self.preprocessing = preprocessing
    self.model = model
  }

  /// One row's prediction.
  public struct Prediction: Equatable, Sendable {
    /// The table row (0-based, header excluded).
    public var row: Int
    /// Regression: the predicted number.
    public var value: Double?
    /// Classification: the most probable class and every class's probability (class order).
    public var className: String?
    public var probabilities: [Double]
  }

  /// The model's outputs for preprocessed features [n, d]: [n, outputs].
  public func outputs(_ features: Tensor) -> Tensor {
    model.eval()
    return withoutGradients { model(Variable(features)).value }
  }

  /// Class probabilities per row (sigmoid of the single logit for two classes, else softmax).
  func probabilities(_ outputs: Tensor) -> [[Double]] {
    let n = outputs.shape[0]
    let k = outputs.shape[1]
    let values = outputs.scalars.map(Double.init)
    return (0..<n).map { i in
      if k == 1 {
        let p = 1 / (1 + exp(-values[i]))
        return [1 - p, p]
      }
      let row = values[(i * k)..<((i + 1) * k)]
      let top = row.max() ?? 0
      let exps = row.map { exp($0 - top) }
      let sum = exps.reduce(0, +)
      return exps.map { $0 / sum }
    }
  }

  /// Predictions for `rows` of `table` (every row when nil). The table needs the feature
  /// columns by name (in any order); the target column may be absent.
  /// - Throws: `DataError` naming the line and column of a value that cannot be used.
  public func predict(_ table: DelimitedTable, rows: [Int]? = nil) throws -> [Prediction] {
    let data = try preprocessing.transform(table, rows: rows ?? Array(table.rows.indices))
    let out = outputs(data.features)
    if preprocessing.task == .regression {
      return zip(data.rows, out.scalars).map {
        Prediction(row: $0, value: Double($1), className: nil, probabilities: [])
      }
    }
    return zip(data.rows, probabilities(out)).map { row, p in
      let best = p.indices.max { p[$0] < p[$1] } ?? 0
      return Prediction(row: row, value: nil, className: preprocessing.classNames[best], probabilities: p)
    }
  }

  /// Metrics on preprocessed data that has targets or labels.
  public func metrics(on data: TabularData) throws -> TableMetrics {
    let out = outputs(data.features)
    if let targets = data.targets {
      return .regression(
        try RegressionMetrics(
          predictions: out.scalars.map(Double.init), targets: targets.scalars.map(Double.init)))
    }
    let labels = data.labels ?? []
    let p = probabilities(out)
    let predicted = p.map { row in row.indices.max { row[$0] < row[$1] } ?? 0 }
    let accuracy = try ClassificationMetrics.accuracy(predictions: predicted, labels: labels)
    var aucs: [Double] = []
    let classes = preprocessing.classNames.count
    for positive in (classes == 2 ? [1] : Array(0..<classes)) {
      let isPositive = labels.map { $0 == positive }
      guard isPositive.contains(true), isPositive.contains(false) else { continue }
      aucs.append(try ClassificationMetrics.rocAUC(scores: p.map { $0[positive] }, positives: isPositive))
    }
    return .classification(
      accuracy: accuracy, auc: aucs.isEmpty ? nil : aucs.reduce(0, +) / Double(aucs.count),
      count: labels.count)
  }

  /// Writes the weights (PyTorch state-dict keys, see `TableModel`) with the preprocessing and
  /// the model description in the metadata, atomically.
  public func save(to url: URL) throws {
    let tensors = Dictionary(uniqueKeysWithValues: model.stateDict().map { ($0.name, $0.value) })
    try writeStateDict(
      tensors, to: url,
      metadata: [
        TabularPreprocessing.metadataKey: preprocessing.serialized(),
        TableModel.metadataKey: description.serialized(),
      ])
  }

  /// Reads a file written by `save(to:)`.
  /// - Throws: `SafetensorsError` for an unreadable file, `TableFitError` when it is not a
  ///   table model (no metadata) or the metadata and weights disagree, `StateDictError`.
  public init(contentsOf url: URL) throws {
    let file = try SafetensorsFile.read(from: url)
    guard let modelText = file.metadata[TableModel.metadataKey],
      let preprocessingText = file.metadata[TabularPreprocessing.metadataKey]
    else {
      throw TableFitError(
        "\(url.path): no \(TableModel.metadataKey) and \(TabularPreprocessing.metadataKey) metadata; "
          + "expected weights saved by a table fit (convnet fit --save)")
    }
    let description = try TableModel(serialized: modelText, source: url.path)
    let preprocessing = try TabularPreprocessing(serialized: preprocessingText, source: url.path)
    guard preprocessing.featureCount == description.inputFeatures else {
      throw TableFitError(
        "\(url.path): the preprocessing makes \(preprocessing.featureCount) features but the model "
          + "takes \(description.inputFeatures)")
    }
    let model = description.build()
    var tensors: [String: Tensor] = [:]
    for name in file.names { tensors[name] = try file.tensor(named: name) }
    do {
      try model.loadStateDict(tensors)
    } catch {
      throw TableFitError("\(url.path): \(error)")
    }
    self.init(description: description, preprocessing: preprocessing, model: model)
  }
}
