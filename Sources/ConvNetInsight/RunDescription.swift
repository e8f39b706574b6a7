import ConvNetData
import ConvNetTraining
import Foundation

/// What a training run was (`run.json`): how it was started, its settings, architecture and
/// data — everything needed to understand, reproduce or report it. Field names in the JSON
/// file are snake_case (see `CodingKeys`); absent values are left out.
public struct RunDescription: Codable, Sendable, Equatable {
  /// The data a run trained and was tested on.
  public struct Dataset: Codable, Sendable, Equatable {
    /// e.g. "mnist train".
    public var name: String
    public var trainCount: Int
    public var testCount: Int?
    /// [channels, height, width] of one sample.
    public var sampleShape: [Int]
    public var classCount: Int
    /// `classNames[k]` names label k, when the data has names.
    public var classNames: [String]?

    public init(
      name: String, trainCount: Int, testCount: Int?, sampleShape: [Int], classCount: Int,
      classNames: [String]?
    ) {
      self.name = name
      self.trainCount = trainCount
      self.testCount = testCount
      self.sampleShape = sampleShape
      self.classCount = classCount
      self.classNames = classNames
    }

    /// Describes a training set and its test set; class names are found through wrappers
    /// (resampling, subsets) when the underlying data has them.
    public init(train: any LabeledImageDataset, test: (any LabeledImageDataset)?) {
      self.init(
        name: train.name, trainCount: train.count, testCount: test?.count, sampleShape: train.sampleShape,
        classCount: train.classCount, classNames: Dataset.classNames(of: train))
    }

    /// The names of `dataset`'s classes (label k is `[k]`), looked up through resampling and
    /// subset wrappers; nil when the data has none.
    public static func classNames(of dataset: any LabeledImageDataset) -> [String]? {
      if let named = dataset as? any ClassNamedDataset { return named.classNames }
      if let resampled = dataset as? ResampledDataset { return classNames(of: resampled.base) }
      return nil
    }

    enum CodingKeys: String, CodingKey {
      case name
      case trainCount = "train_count"
      case testCount = "test_count"
      case sampleShape = "sample_shape"
      case classCount = "class_count"
      case classNames = "class_names"
    }
  }

  /// A later session that continued the run from a checkpoint.
  public struct Resume: Codable, Sendable, Equatable {
    /// ISO 8601, UTC.
    public var started: String
    public var command: [String]
    /// Epochs already completed when it continued.
    public var afterEpoch: Int

    public init(started: String, command: [String], afterEpoch: Int) {
      self.started = started
      self.command = command
      self.afterEpoch = afterEpoch
    }

    enum CodingKeys: String, CodingKey {
      case started, command
      case afterEpoch = "after_epoch"
    }
  }

  /// The `--arch` name, e.g. "lenet5".
  public var architecture: String
  /// All parameters of the model, trained or frozen.
  public var parameterCount: Int?
  /// Every setting of the run by its option name ("batch-size": "64"), defaults included.
  public var settings: [String: String]
  /// The run's configuration as the library ran it (nil in descriptions of older versions).
  public var configuration: TrainingConfiguration?
  public var dataset: Dataset?
  /// The command line that started the run, program name first.
  public var command: [String]
  /// ISO 8601, UTC, e.g. "2026-12-07T11:20:30Z".
  public var started: String
  /// The ConvNet source revision (git commit) the program was built from, when known.
  public var convnetCommit: String?
  /// Where the weights are saved, when they are (`--save`).
  public var weights: String?
  /// The TensorBoard event folder, when one is written.
  public var tensorboard: String?
  /// Later sessions that continued this run, in order.
  public var resumes: [Resume]

  public init(
    architecture: String, parameterCount: Int? = nil, settings: [String: String] = [:],
    dataset: Dataset? = nil, command: [String], started: Date, convnetCommit: String? = nil,
    weights: String? = nil, tensorboard: String? = nil, configuration: TrainingConfiguration? = nil
  ) {
    self.architecture = architecture
    self.parameterCount = parameterCount
    self.settings = settings
    self.configuration = configuration
    self.dataset = dataset
    self.command = command
    self.started = RunDescription.timestamp(started)
    self.convnetCommit = convnetCommit
    self.weights = weights
    self.tensorboard = tensorboard
    self.resumes = []
  }

  enum CodingKeys: String, CodingKey {
    case architecture, settings, configuration, dataset, command, started, weights, tensorboard, resumes
    case parameterCount = "parameter_count"
    case convnetCommit = "convnet_commit"
  }

  public init(from decoder: Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    architecture = try container.decode(String.self, forKey: .architecture)
    parameterCount = try container.decodeIfPresent(Int.self, forKey: .parameterCount)
    settings = try container.decodeIfPresent([String: String].self, forKey: .settings) ?? [:]
    configuration = try container.decodeIfPresent(TrainingConfiguration.self, forKey: .configuration)
    dataset = try container.decodeIfPresent(Dataset.self, forKey: .dataset)
    command = try container.decodeIfPresent([String].self, forKey: .command) ?? []
    started = try container.decode(String.self, forKey: .started)
    convnetCommit = try container.decodeIfPresent(String.self, forKey: .convnetCommit)
    weights = try container.decodeIfPresent(String.self, forKey: .weights)
    tensorboard = try container.decodeIfPresent(String.self, forKey: .tensorboard)
    resumes = try container.decodeIfPresent([Resume].self, forKey: .resumes) ?? []
  }

  /// Writes every field but an empty `resumes` list.
  public func encode(to encoder: Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(architecture, forKey: .architecture)
    try container.encodeIfPresent(parameterCount, forKey: .parameterCount)
    try container.encode(settings, forKey: .settings)
    try container.encodeIfPresent(configuration, forKey: .configuration)
    try container.encodeIfPresent(dataset, forKey: .dataset)
    try container.encode(command, forKey: .command)
    try container.encode(started, forKey: .started)
    try container.encodeIfPresent(convnetCommit, forKey: .convnetCommit)
    try container.encodeIfPresent(weights, forKey: .weights)
    try container.encodeIfPresent(tensorboard, forKey: .tensorboard)
    if !resumes.isEmpty { try container.encode(resumes, forKey: .resumes) }
  }

  /// "2026-12-07T11:20:30Z".
  public static func timestamp(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone(identifier: "UTC")
    return formatter.string(from: date)
  }

  /// Reads a `run.json` file.
  public static func load(from url: URL) throws -> RunDescription {
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw RunFileError(
        path: url.path, reason: "cannot read the run description (\(error.localizedDescription))")
    }
    do {
      return try JSONDecoder().decode(RunDescription.self, from: data)
    } catch DecodingError.keyNotFound(let key, _) {
      throw RunFileError(
        path: url.path, reason: "field \"\(key.stringValue)\" missing from the run description")
    } catch {
      throw RunFileError(
        path: url.path,
        reason: "not a run description (expected a JSON object with architecture, started, settings …)")
    }
  }

  /// Writes the description as pretty-printed JSON, atomically (a temporary file renamed
  /// into place), so a reader never sees half of it.
  public func write(to url: URL) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    do {
      try (try encoder.encode(self) + Data("\n".utf8)).write(to: url, options: .atomic)
    } catch {
      throw RunFileError(
        path: url.path, reason: "cannot write the run description (\(error.localizedDescription))")
    }
  }
}
