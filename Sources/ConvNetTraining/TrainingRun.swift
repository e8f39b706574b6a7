import ConvNetAutograd
import ConvNetData
import ConvNetImage
import ConvNetKernels
import ConvNetModels
import ConvNetNN
import ConvNetTensor
import Foundation

/// A `TrainingConfiguration` made ready to run: the data fitted to the architecture, the
/// checks of `Preflight` passed, the model built (from initial weights, with frozen prefixes),
/// the optimiser and its schedule chosen, a checkpoint to continue from restored, the loaders
/// and the `Trainer` set up.
///
///     let run = try TrainingRun(configuration: configuration)
///     try run.run { event in … }
///
/// Everything is decided in `init`; a front end reads the facts it reports (`resampling`,
/// `replacedClassifier`, `frozenParameterCount`, `plan`, …) and sets the session's options on
/// `trainer` (where to save, how often, an interrupt request) before `run`.
public final class TrainingRun {
  /// Test and validation sets are evaluated in batches of this many images.
  public static let evaluationBatchSize = 1000

  /// The configuration this run carries out (as given; the checkpoint records it).
  public let configuration: TrainingConfiguration
  public let architecture: Architecture
  /// The training and evaluation data, fitted to the architecture.
  public let data: FittedDatasets
  public let transform: PixelTransform
  public let classCount: Int
  public let model: any Module
  public let optimizer: any Optimizer
  /// True when `initialWeights` had another class count and the classifier was replaced.
  public let replacedClassifier: Bool
  /// Scalar parameters frozen by `frozenPrefixes`.
  public let frozenParameterCount: Int
  /// The checkpoint continued from, when there is one.
  public let resumed: Checkpoint.Loaded?
  /// What this run does (a new run, a continuation, an extension, nothing).
  public let plan: ResumePlan
  public let trainLoader: DataLoader
  public let testLoader: DataLoader?
  public let trainer: Trainer

  /// Opens the configuration's data and prepares the run (see `init(configuration:data:resumingFrom:)`).
  public convenience init(configuration: TrainingConfiguration, resumingFrom checkpoint: URL? = nil) throws {
    try configuration.validate()
    let architecture = try Architectures.named(configuration.architecture)
    let opened = try configuration.data.open(
      defaultImageSize: (architecture.inputShape[1], architecture.inputShape[2]), seed: configuration.seed)
    let data = FittedDatasets(
      train: opened.train, test: opened.test, architecture: architecture,
      channels: configuration.inputChannels)
    try self.init(configuration: configuration, data: data, resumingFrom: checkpoint)
  }

  /// Prepares the run on data already opened and fitted (`FittedDatasets`).
  /// - Parameter checkpoint: a checkpoint (`Checkpoint.save`) to continue from: its weights,
  ///   optimiser state and random streams are restored, and its settings must match
  ///   (`TrainingConfiguration.settingsToMatch`). The configuration's `initialWeights` are then
  ///   not read: they started the run the checkpoint continues.
  /// - Throws: `SettingError` (a class count below the data's labels, a normalisation that does
  ///   not fit the images' channels), `InputShapeError` / `MemoryLimitError` from `Preflight`,
  ///   `StateDictError` for weights or a checkpoint that do not fit, `TrainingError` from
  ///   `ResumePlan`.
  /// - Parameters (data-parallel training, ConvNetDistributed): `shard` is this process's part
  ///   of every training batch (`.whole` alone); `evaluates` is false on the processes that
  ///   leave evaluation to process 0.
  /// - Parameter architecture: a network outside the catalogue (an imported ONNX graph, for
  ///   fine-tuning); nil: the configuration's architecture, by name.
  public init(
    configuration: TrainingConfiguration, data: FittedDatasets, resumingFrom checkpoint: URL? = nil,
    shard: DataShard = .whole, evaluates: Bool = true, architecture: Architecture? = nil
  ) throws {
    try configuration.validate()
    let architecture = try architecture ?? Architectures.named(configuration.architecture)
    let channels = data.train.sampleShape[0]
    let transform = try configuration.normalization.pixelTransform(channels: channels)
    let classCount = configuration.classCount ?? data.train.classCount
    guard classCount >= data.train.classCount else {
      throw SettingError(
        setting: "classCount", name: "class count",
        detail: "\(classCount): the data has labels up to \(data.train.classCount - 1)")
    }
    try Preflight.checkTraining(
      architecture: architecture, train: data.train, test: data.test, classCount: classCount,
      batchSize: configuration.batchSize, evaluationBatchSize: Self.evaluationBatchSize)
    // A continued run's weights come from its checkpoint; initial weights only start a run.
    let initialWeights =
      checkpoint == nil ? configuration.initialWeights.map { URL(fileURLWithPath: $0) } : nil
    if let initialWeights {
      let probe = RandomSource.withSeed(0) { architecture.build(inputChannels: channels, classCount: 1) }
      try Preflight.checkInputChannels(ofWeightsAt: initialWeights, model: probe, inputChannels: channels)
    }

    let model = RandomSource.withSeed(configuration.seed) {
      architecture.build(inputChannels: channels, classCount: classCount)
    }
    replacedClassifier =
      try initialWeights.map {
        try FineTuning.loadPretrained(into: model, from: $0, classifierPrefix: architecture.classifierPrefix)
      } ?? false
    frozenParameterCount =
      configuration.frozenPrefixes.isEmpty
      ? 0 : try FineTuning.freeze(model, prefixes: configuration.frozenPrefixes)
    let optimizer = configuration.optimizer.makeOptimizer(parameters: model.parameters.filter(\.requiresGrad))

    let settings = configuration.settingsToMatch
    let resumed = try checkpoint.map {
      try Checkpoint.load(from: $0, model: model, optimizer: optimizer, settings: settings)
    }
    let plan = try ResumePlan.make(
      saved: resumed?.state, epochs: configuration.epochs, maximumSteps: configuration.maximumSteps,
      cosine: configuration.schedule.isCosine)

    var trainLoader = try DataLoader(
      dataset: data.train, batchSize: configuration.batchSize, shuffle: configuration.shuffle,
      seed: configuration.seed, transform: transform,
      augmentation: configuration.augmentation.map { try TransformPipeline(parsing: $0) })
    trainLoader.shard = shard
    let testLoader = (evaluates ? data.test : nil).map {
      DataLoader(dataset: $0, batchSize: Self.evaluationBatchSize, shuffle: false, transform: transform)
    }
    let trainer = Trainer(
      model: model, optimizer: optimizer, trainLoader: trainLoader, testLoader: testLoader,
      classCount: classCount)
    let schedules = configuration.schedule.schedules(
      initial: optimizer.learningRate, stepsPerEpoch: trainLoader.batchCount, cycles: plan.cycles)
    trainer.schedule = schedules.perEpoch
    trainer.stepSchedule = schedules.perStep
    trainer.labelSmoothing = configuration.labelSmoothing
    trainer.maximumSteps = configuration.maximumSteps
    trainer.architectureName = architecture.name
    trainer.cycles = plan.cycles
    trainer.settings = settings
    trainer.configuration = configuration

    self.configuration = configuration
    self.architecture = architecture
    self.data = data
    self.transform = transform
    self.classCount = classCount
    self.model = model
    self.optimizer = optimizer
    self.resumed = resumed
    self.plan = plan
    self.trainLoader = trainLoader
    self.testLoader = testLoader
    self.trainer = trainer
  }

  /// Trains as planned (nothing when `plan` says there is nothing to do), with
  /// `Parallelism.isDeterministic` set as the configuration says.
  /// - Returns: the last epoch's test evaluation, if any.
  /// - Throws: what `Trainer.run` throws (`TrainingError`, `TrainingInterrupted`, save errors).
  @discardableResult
  public func run(report: (TrainingEvent) -> Void = { _ in }) throws -> EvaluationResult? {
    guard plan.action != .nothingToDo else { return nil }
    Parallelism.isDeterministic = configuration.deterministic
    return try trainer.run(epochs: configuration.epochs, resumingFrom: resumed?.state, report: report)
  }
}
