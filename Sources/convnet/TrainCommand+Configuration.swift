import ArgumentParser
import ConvNet
import Foundation

/// `train`'s options as a `TrainingConfiguration`, and a continued run's configuration adopted
/// from its checkpoint.
extension TrainCommand {
  /// The configuration these options describe: every option given replaces the value of
  /// `base` — the library's defaults for a new run, the checkpoint's recorded configuration
  /// for `--resume` (so options left out continue as recorded). `--max-steps` is this
  /// session's limit and is never taken from `base`.
  func configuration(base: TrainingConfiguration) throws -> TrainingConfiguration {
    var configuration = base
    if let arch { configuration.architecture = arch }
    try dataOptions.apply(to: &configuration)
    if let inChannels { configuration.inputChannels = inChannels }
    if let numClasses { configuration.classCount = numClasses }
    if let epochs { configuration.epochs = epochs }
    if let batchSize { configuration.batchSize = batchSize }
    if let optimizer {
      guard let kind = OptimizerChoice.Kind(named: optimizer) else {
        throw CLIError("--optimizer \"\(optimizer)\": expected \(OptimizerChoice.Kind.namesList)")
      }
      configuration.optimizer.kind = kind
    }
    if let lr { configuration.optimizer.learningRate = lr }
    if let momentum { configuration.optimizer.momentum = momentum }
    if let weightDecay { configuration.optimizer.weightDecay = weightDecay }
    if let schedule { configuration.schedule = try ScheduleChoice(parsing: schedule) }
    if let labelSmoothing { configuration.labelSmoothing = labelSmoothing }
    if let seed { configuration.seed = seed }
    if noShuffle { configuration.shuffle = false }
    if deterministic { configuration.deterministic = true }
    configuration.maximumSteps = maxSteps
    if let initWeights { configuration.initialWeights = initWeights }
    if let freeze {
      let prefixes = freeze.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      guard !prefixes.isEmpty, prefixes.allSatisfy({ !$0.isEmpty }) else {
        throw CLIError(
          "--freeze \"\(freeze)\": expected parameter-name prefixes separated by commas, e.g. features")
      }
      configuration.frozenPrefixes = prefixes
    }
    return configuration
  }

  /// With --resume: the configuration the checkpoint recorded, or nil (no --resume, or a
  /// checkpoint of a version that recorded none — its settings are then checked one by one
  /// against this run's when it loads).
  func recordedConfiguration() throws -> TrainingConfiguration? {
    guard let resume else { return nil }
    return try Checkpoint.recordedState(at: URL(fileURLWithPath: resume))?.configuration
  }

  /// Refuses options given with --resume that contradict what the checkpoint was trained with,
  /// naming each option and the recorded value.
  func checkSettingsMatch(_ configuration: TrainingConfiguration, recorded: TrainingConfiguration) throws {
    let differing = configuration.settingsDiffering(from: recorded)
    guard !differing.isEmpty else { return }
    let flags = differing.map { flagOfSetting[$0.setting] ?? $0.name }
    let given = zip(flags, differing).map { "\($0) \($1.value)" }.joined(separator: ", ")
    let was = differing.map { "\($0.name) \($0.recorded)" }.joined(separator: ", ")
    throw CLIError(
      "\(given): the checkpoint \(resume ?? "") was trained with \(was); continuing needs the same settings "
        + "(leave \(flags.joined(separator: ", ")) out to continue with the recorded one\(flags.count == 1 ? "" : "s"))"
    )
  }
}

/// The configuration's values by `train`'s option names ("batch-size": "64"), as `run.json`
/// records them: what options left out (defaults, or values adopted from a checkpoint) stand for.
func flagSettings(of configuration: TrainingConfiguration) -> [String: String] {
  var settings: [String: String] = [
    "arch": configuration.architecture,
    "epochs": "\(configuration.epochs)",
    "batch-size": "\(configuration.batchSize)",
    "optimizer": configuration.optimizer.kind.rawValue,
    "lr": "\(configuration.optimizer.resolvedLearningRate)",
    "momentum": "\(configuration.optimizer.momentum)",
    "weight-decay": "\(configuration.optimizer.weightDecay)",
    "schedule": configuration.schedule.spec,
    "label-smoothing": "\(configuration.labelSmoothing)",
    "seed": "\(configuration.seed)",
    "no-shuffle": "\(!configuration.shuffle)",
    "deterministic": "\(configuration.deterministic)",
    "normalize": configuration.normalization.rawValue,
    "on-bad-image": configuration.data.skipsBadImages ? "skip" : "fail",
    "max-image-pixels": "\(configuration.data.maximumImagePixels)",
    "cache": "\(configuration.data.cache)",
  ]
  let data = configuration.data
  settings["data"] = data.path
  settings["format"] = data.format?.rawValue
  settings["image-size"] = data.imageSize.map { $0.map(String.init).joined(separator: "x") }
  settings["val-split"] = data.validationFraction.map { "\($0)" }
  settings["augment"] = configuration.augmentation
  settings["num-classes"] = configuration.classCount.map(String.init)
  settings["in-channels"] = configuration.inputChannels.map(String.init)
  settings["init-weights"] = configuration.initialWeights
  settings["max-steps"] = configuration.maximumSteps.map(String.init)
  if !configuration.frozenPrefixes.isEmpty {
    settings["freeze"] = configuration.frozenPrefixes.joined(separator: ",")
  }
  settings["grayscale"] = "\(data.channels == 1)"
  settings["rgb"] = "\(data.channels == 3)"
  return settings
}
