import ConvNetData
import ConvNetImage
import ConvNetModels
import ConvNetNN
import Foundation

/// Everything that describes a training run, as one value: the network, the data, the optimiser
/// and its schedule, the loop's numbers, fine-tuning. A front end fills it (`convnet train`
/// from its options), `TrainingRun` runs it, a checkpoint records it (`TrainingState`) and the
/// run's description (`run.json`) shows it.
///
/// What a session adds on top is not part of it: where checkpoints go, how often they are
/// written, history and report files.
///
/// Encoded as JSON with these property names; fields missing from a stored configuration take
/// their defaults, so one written by an earlier version still reads.
public struct TrainingConfiguration: Codable, Equatable, Sendable {
  /// A name of the architecture catalogue (`Architectures.named`), e.g. "lenet5".
  public var architecture = "lenet5"
  /// Where the images come from and how they are read.
  public var data = DataSource()
  /// The statistics pixels are standardised with.
  public var normalization = NormalizationPreset.none
  /// The training augmentation, as a spec (`TransformPipeline(parsing:)`), or nil for none.
  public var augmentation: String?
  /// Input channels of the network; the images are converted. Nil: the data's.
  public var inputChannels: Int?
  /// Classes of the final layer; nil: the data's.
  public var classCount: Int?
  /// Passes over the training set, in all (a run continued from a checkpoint counts its earlier
  /// epochs).
  public var epochs = 2
  /// Samples per mini-batch.
  public var batchSize = 64
  public var optimizer = OptimizerChoice()
  public var schedule = ScheduleChoice.cosine
  /// Label smoothing of the cross-entropy loss, in [0, 1).
  public var labelSmoothing: Float = 0
  /// Seeds weight initialisation, shuffling, augmentation and the validation draw.
  public var seed: UInt64 = 1
  /// Visit the training samples in a new seeded order every epoch; false: file order.
  public var shuffle = true
  /// Stop after this many optimiser steps in all.
  public var maximumSteps: Int?
  /// Sums in a fixed order whatever the thread count (`Parallelism.isDeterministic`).
  public var deterministic = false
  /// Start from these weights (a safetensors path); another class count replaces the classifier.
  public var initialWeights: String?
  /// Parameters whose names start with these prefixes are frozen.
  public var frozenPrefixes: [String] = []

  /// The defaults: LeNet-5 on the bundled MNIST, 2 epochs of SGD with cosine annealing.
  public init() {}

  /// Refuses settings that cannot train, before anything is opened: counts below 1, fractions
  /// out of range, optimiser numbers that diverge, an augmentation spec that does not parse, an
  /// image size the architecture cannot take.
  /// - Throws: `SettingError` naming the field (`setting`) and what was expected;
  ///   `TransformSpecError` for the augmentation.
  public func validate() throws {
    func atLeastOne(_ value: Int?, _ setting: String, _ name: String) throws {
      if let value, value < 1 {
        throw SettingError(setting: setting, name: name, detail: "must be at least 1, got \(value)")
      }
    }
    try atLeastOne(epochs, "epochs", "epochs")
    try atLeastOne(batchSize, "batchSize", "batch size")
    try atLeastOne(maximumSteps, "maximumSteps", "maximum steps")
    try atLeastOne(classCount, "classCount", "class count")
    try atLeastOne(data.maximumImagePixels, "maximumImagePixels", "maximum image pixels")
    guard (0..<1).contains(labelSmoothing) else {
      throw SettingError(
        setting: "labelSmoothing", name: "label smoothing", detail: "must be in [0, 1), got \(labelSmoothing)"
      )
    }
    for (value, setting) in [(inputChannels, "inputChannels"), (data.channels, "channels")] {
      if let value, value != 1 && value != 3 {
        throw SettingError(
          setting: setting, name: setting == "channels" ? "image channels" : "input channels",
          detail: "must be 1 or 3, got \(value)")
      }
    }
    if let fraction = data.validationFraction, !(fraction > 0 && fraction < 1) {
      throw SettingError(
        setting: "validationFraction", name: "validation fraction",
        detail: "must be a fraction strictly between 0 and 1, got \(fraction)")
    }
    try optimizer.validate()
    if frozenPrefixes.contains(where: { $0.isEmpty }) {
      throw SettingError(
        setting: "frozenPrefixes", name: "frozen prefixes",
        detail: "\(frozenPrefixes): expected parameter-name prefixes, none empty, e.g. features")
    }
    if let augmentation { _ = try TransformPipeline(parsing: augmentation) }
    if let size = data.imageSize {
      guard size.count == 2, size.allSatisfy({ $0 >= 1 }) else {
        throw SettingError(
          setting: "imageSize", name: "image size",
          detail: "\(size): expected [height, width], each at least 1")
      }
      // An unknown architecture is reported where the network is looked up (`TrainingRun`).
      guard let network = try? Architectures.named(architecture) else { return }
      do {
        try network.checkInput(sampleShape: [network.inputShape[0], size[0], size[1]])
      } catch let error as InputShapeError {
        throw SettingError(
          setting: "imageSize", name: "image size", detail: "\(size[0])x\(size[1]): \(error.description)")
      }
    }
  }

  /// The settings a run continued from a checkpoint must share with it, by name as messages
  /// say them ("optimizer": "sgd", "learning rate": "0.05", …); a checkpoint records them
  /// (`TrainingState.settings`), and `Checkpoint.load` compares.
  public var settingsToMatch: [String: String] {
    Dictionary(uniqueKeysWithValues: settingsThatMustMatch.map { ($0.name, $0.value) })
  }

  /// The settings a continued run must share with its checkpoint: the field (`setting`, as
  /// `SettingError` names it), its name in words and its value as text. Data, batch size, seed
  /// and shuffling may change (a checkpoint inside an epoch then refuses to replay it; see
  /// `Trainer.run`), epochs and the step limit are what a continuation sets.
  public var settingsThatMustMatch: [(setting: String, name: String, value: String)] {
    [
      ("architecture", "architecture", architecture.lowercased()),
      ("optimizer", "optimizer", optimizer.kind.rawValue),
      ("learningRate", "learning rate", "\(optimizer.resolvedLearningRate)"),
      ("momentum", "momentum", "\(optimizer.momentum)"),
      ("weightDecay", "weight decay", "\(optimizer.weightDecay)"),
      ("schedule", "schedule", schedule.spec),
      ("labelSmoothing", "label smoothing", "\(labelSmoothing)"),
      ("augmentation", "augmentation", augmentation ?? "none"),
      ("normalization", "normalisation", normalization.rawValue),
      ("frozenPrefixes", "frozen", frozenPrefixes.isEmpty ? "none" : frozenPrefixes.joined(separator: ",")),
    ]
  }

  /// The settings of `settingsThatMustMatch` in which this configuration differs from
  /// `recorded` (a checkpoint's), in that order.
  public func settingsDiffering(from recorded: TrainingConfiguration)
    -> [(setting: String, name: String, value: String, recorded: String)]
  {
    zip(settingsThatMustMatch, recorded.settingsThatMustMatch).compactMap { mine, theirs in
      mine.value == theirs.value ? nil : (mine.setting, mine.name, mine.value, theirs.value)
    }
  }

  /// Every setting in words with its value, in the order people look for them (data,
  /// length, optimiser, …), settings left at "none" included — what a report lists for a run
  /// that a library user described by this value alone.
  public var describedSettings: [(name: String, value: String)] {
    var pairs: [(name: String, value: String)] = [
      ("data", data.path ?? "bundled MNIST"),
      ("epochs", "\(epochs)"),
      ("batch size", "\(batchSize)"),
      ("optimizer", optimizer.kind.displayName),
      ("learning rate", "\(optimizer.resolvedLearningRate)"),
    ]
    if optimizer.kind.usesMomentum { pairs.append(("momentum", "\(optimizer.momentum)")) }
    pairs += [
      ("weight decay", "\(optimizer.weightDecay)"),
      ("schedule", schedule.spec),
      ("label smoothing", "\(labelSmoothing)"),
      ("augmentation", augmentation ?? "none"),
      ("normalisation", normalization.rawValue),
      ("seed", "\(seed)"),
      ("order", shuffle ? "shuffled" : "file order"),
    ]
    if let fraction = data.validationFraction { pairs.append(("validation fraction", "\(fraction)")) }
    if let size = data.imageSize {
      pairs.append(("image size", size.map(String.init).joined(separator: "×")))
    }
    if let classCount { pairs.append(("classes", "\(classCount)")) }
    if let inputChannels { pairs.append(("input channels", "\(inputChannels)")) }
    if let maximumSteps { pairs.append(("maximum steps", "\(maximumSteps)")) }
    if let initialWeights { pairs.append(("initial weights", initialWeights)) }
    if !frozenPrefixes.isEmpty { pairs.append(("frozen", frozenPrefixes.joined(separator: ", "))) }
    if deterministic { pairs.append(("deterministic", "yes")) }
    return pairs
  }

  public init(from decoder: Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let defaults = TrainingConfiguration()
    func value<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> T {
      try container.decodeIfPresent(T.self, forKey: key) ?? fallback
    }
    architecture = try value(.architecture, defaults.architecture)
    data = try value(.data, defaults.data)
    normalization = try value(.normalization, defaults.normalization)
    augmentation = try container.decodeIfPresent(String.self, forKey: .augmentation)
    inputChannels = try container.decodeIfPresent(Int.self, forKey: .inputChannels)
    classCount = try container.decodeIfPresent(Int.self, forKey: .classCount)
    epochs = try value(.epochs, defaults.epochs)
    batchSize = try value(.batchSize, defaults.batchSize)
    optimizer = try value(.optimizer, defaults.optimizer)
    schedule = try value(.schedule, defaults.schedule)
    labelSmoothing = try value(.labelSmoothing, defaults.labelSmoothing)
    seed = try value(.seed, defaults.seed)
    shuffle = try value(.shuffle, defaults.shuffle)
    maximumSteps = try container.decodeIfPresent(Int.self, forKey: .maximumSteps)
    deterministic = try value(.deterministic, defaults.deterministic)
    initialWeights = try container.decodeIfPresent(String.self, forKey: .initialWeights)
    frozenPrefixes = try value(.frozenPrefixes, defaults.frozenPrefixes)
  }

  /// The configuration as compact JSON with sorted keys (what a checkpoint stores).
  public func jsonText() -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    // Encoding plain numbers, strings and arrays cannot fail.
    let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
    return String(decoding: data, as: UTF8.self)
  }

  /// Reads `jsonText()`'s output.
  /// - Throws: `DecodingError` when the text is not such a configuration.
  public init(jsonText: String) throws {
    self = try JSONDecoder().decode(TrainingConfiguration.self, from: Data(jsonText.utf8))
  }
}
