import ConvNetData
import ConvNetNN
import ConvNetTensor
import Foundation

/// Where a training run stands, apart from its tensors: with the weights and the optimiser state
/// it is everything needed to continue the run exactly where it stopped. A checkpoint stores it
/// in its file's metadata (see `Checkpoint`).
public struct TrainingState: Equatable, Sendable {
  /// The data order of a run: epoch e visits `SeededPermutation(seed, e)` (or file order) in
  /// batches of `batchSize`, and the augmentation of every sample is a function of (seed, epoch,
  /// position) — so these four numbers and the position below fix every batch still to come.
  public struct DataOrder: Equatable, Sendable, CustomStringConvertible {
    public var seed: UInt64
    public var shuffle: Bool
    public var batchSize: Int
    public var sampleCount: Int

    public init(seed: UInt64, shuffle: Bool, batchSize: Int, sampleCount: Int) {
      self.seed = seed
      self.shuffle = shuffle
      self.batchSize = batchSize
      self.sampleCount = sampleCount
    }

    /// The order of `loader`.
    public init(of loader: DataLoader) {
      self.init(
        seed: loader.seed, shuffle: loader.shuffle, batchSize: loader.batchSize,
        sampleCount: loader.dataset.count)
    }

    public var description: String {
      "\(sampleCount) samples in batches of \(batchSize), "
        + (shuffle ? "shuffled with seed \(seed)" : "in file order (seed \(seed))")
    }
  }

  /// The running training figures of a partly done epoch, so that its report after a resume is
  /// the one an uninterrupted run gives.
  public struct EpochProgress: Equatable, Sendable {
    public var samplesSeen: Int
    public var correct: Int
    public var lossSum: Double

    public init(samplesSeen: Int = 0, correct: Int = 0, lossSum: Double = 0) {
      self.samplesSeen = samplesSeen
      self.correct = correct
      self.lossSum = lossSum
    }
  }

  /// Epochs completed.
  public var epoch: Int
  /// Optimiser steps done in the next epoch (number `epoch`, from 0): 0 at an epoch boundary.
  /// It can equal the epoch's batch count when a save came after its last step but before its
  /// end-of-epoch evaluation.
  public var step: Int
  /// Optimiser steps since the run began (what a step limit counts).
  public var globalStep: Int
  /// The learning-rate plan in epochs: 0 followed by where each cosine cycle ends, e.g. [0, 5]
  /// for a 5-epoch run and [0, 5, 8] once it was extended to 8 epochs. The last entry is the
  /// run's horizon. Nil in checkpoints of older versions.
  public var cycles: [Int]?
  /// Nil in checkpoints of older versions.
  public var dataOrder: DataOrder?
  public var progress: EpochProgress
  /// The generator of every dropout/RReLU layer, by module path (see `StochasticModule`). Nil in
  /// checkpoints of older versions.
  public var generators: [String: SeededGenerator]?
  /// The run's settings as the caller describes them (e.g. "optimizer": "sgd"); a resume must
  /// use the same ones. Nil in checkpoints of older versions.
  public var settings: [String: String]?
  /// The configuration of the run (see `TrainingConfiguration`), so that a continuation can
  /// adopt what it does not change. Nil in checkpoints of older versions and of runs not
  /// described by one.
  public var configuration: TrainingConfiguration?

  public init(
    epoch: Int, step: Int = 0, globalStep: Int, cycles: [Int]? = nil, dataOrder: DataOrder? = nil,
    progress: EpochProgress = EpochProgress(), generators: [String: SeededGenerator]? = nil,
    settings: [String: String]? = nil, configuration: TrainingConfiguration? = nil
  ) {
    self.epoch = epoch
    self.step = step
    self.globalStep = globalStep
    self.cycles = cycles
    self.dataOrder = dataOrder
    self.progress = progress
    self.generators = generators
    self.settings = settings
    self.configuration = configuration
  }

  /// "epoch 3" at an epoch boundary, else "epoch 3, step 120" (1-based epoch being trained).
  public var positionDescription: String {
    step == 0 ? "the end of epoch \(epoch)" : "epoch \(epoch + 1), step \(step)"
  }

  public static func == (lhs: TrainingState, rhs: TrainingState) -> Bool {
    lhs.epoch == rhs.epoch && lhs.step == rhs.step && lhs.globalStep == rhs.globalStep
      && lhs.cycles == rhs.cycles && lhs.dataOrder == rhs.dataOrder && lhs.progress == rhs.progress
      && lhs.generators?.mapValues(\.stateWords) == rhs.generators?.mapValues(\.stateWords)
      && lhs.settings == rhs.settings && lhs.configuration == rhs.configuration
  }
}

// MARK: - Metadata encoding

extension TrainingState {
  /// The checkpoint format this version writes: one file (weights, optimiser state under
  /// `Checkpoint.optimizerPrefix`, this state in the metadata).
  static let formatVersion = "2"

  /// Metadata keys. "epoch" is also what version 1 wrote, so older readers still find it.
  enum Key {
    static let version = "convnet.checkpoint"
    static let epoch = "epoch"
    static let step = "convnet.step"
    static let globalStep = "convnet.global_step"
    static let cycles = "convnet.cycles"
    static let seed = "convnet.seed"
    static let shuffle = "convnet.shuffle"
    static let batchSize = "convnet.batch_size"
    static let sampleCount = "convnet.samples"
    static let progress = "convnet.epoch_progress"
    static let generators = "convnet.generators"
    static let settings = "convnet.settings"
    static let configuration = "convnet.configuration"
  }

  /// The state as safetensors metadata strings (all values exact: the loss sum as the bits of
  /// its Double, generator states as hexadecimal words).
  var metadata: [String: String] {
    var fields: [String: String] = [
      Key.version: Self.formatVersion,
      Key.epoch: String(epoch),
      Key.step: String(step),
      Key.globalStep: String(globalStep),
      Key.progress:
        "\(progress.samplesSeen),\(progress.correct),\(String(progress.lossSum.bitPattern, radix: 16))",
    ]
    if let cycles { fields[Key.cycles] = cycles.map(String.init).joined(separator: ",") }
    if let dataOrder {
      fields[Key.seed] = String(dataOrder.seed)
      fields[Key.shuffle] = String(dataOrder.shuffle)
      fields[Key.batchSize] = String(dataOrder.batchSize)
      fields[Key.sampleCount] = String(dataOrder.sampleCount)
    }
    if let generators {
      fields[Key.generators] = generators.keys.sorted().map { path in
        "\(path)=" + (generators[path]?.stateWords ?? []).map { String($0, radix: 16) }.joined(separator: ":")
      }.joined(separator: ";")
    }
    if let settings {
      fields[Key.settings] = settings.keys.sorted().map { "\($0)=\(settings[$0] ?? "")" }.joined(
        separator: "\n")
    }
    if let configuration { fields[Key.configuration] = configuration.jsonText() }
    return fields
  }

  /// Reads a state written by `metadata`. Throws `StateDictError` naming the file and the field.
  init(metadata: [String: String], path: String) throws {
    func field(_ key: String) throws -> String {
      guard let value = metadata[key] else {
        throw StateDictError("\(path): metadata field \"\(key)\" is missing")
      }
      return value
    }
    func count(_ key: String) throws -> Int {
      let text = try field(key)
      guard let value = Int(text), value >= 0 else {
        throw StateDictError(
          "\(path): metadata field \"\(key)\": expected a whole number ≥ 0, got \"\(text)\"")
      }
      return value
    }
    func invalid(_ key: String, _ expected: String) -> StateDictError {
      StateDictError(
        "\(path): metadata field \"\(key)\": expected \(expected), got \"\(metadata[key] ?? "")\"")
    }
    epoch = try count(Key.epoch)
    step = try count(Key.step)
    globalStep = try count(Key.globalStep)

    let progressParts = try field(Key.progress).split(separator: ",").map(String.init)
    guard progressParts.count == 3, let seen = Int(progressParts[0]), let correct = Int(progressParts[1]),
      let bits = UInt64(progressParts[2], radix: 16), seen >= 0, correct >= 0
    else { throw invalid(Key.progress, "samples,correct,loss-sum bits") }
    progress = EpochProgress(samplesSeen: seen, correct: correct, lossSum: Double(bitPattern: bits))

    cycles = nil
    if let text = metadata[Key.cycles] {
      let values = text.split(separator: ",").compactMap { Int($0) }
      guard values.count >= 2, values.count == text.split(separator: ",").count, values[0] == 0,
        zip(values, values.dropFirst()).allSatisfy(<)
      else { throw invalid(Key.cycles, "0 and increasing epoch numbers, e.g. 0,5") }
      cycles = values
    }

    dataOrder = nil
    if metadata[Key.seed] != nil {
      guard let seed = UInt64(try field(Key.seed)) else { throw invalid(Key.seed, "a whole number") }
      guard let shuffle = Bool(try field(Key.shuffle)) else { throw invalid(Key.shuffle, "true or false") }
      let batchSize = try count(Key.batchSize)
      guard batchSize >= 1 else { throw invalid(Key.batchSize, "a whole number ≥ 1") }
      dataOrder = DataOrder(
        seed: seed, shuffle: shuffle, batchSize: batchSize, sampleCount: try count(Key.sampleCount))
    }

    generators = nil
    if let text = metadata[Key.generators] {
      var states: [String: SeededGenerator] = [:]
      for item in text.split(separator: ";") {
        let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
        let words =
          parts.count == 2 ? parts[1].split(separator: ":").compactMap { UInt64($0, radix: 16) } : []
        guard parts.count == 2, let generator = SeededGenerator(stateWords: words) else {
          throw invalid(Key.generators, "path=w0:w1:w2:w3 entries (hexadecimal, not all zero) separated by ;")
        }
        states[parts[0]] = generator
      }
      generators = states
    }

    settings = nil
    if let text = metadata[Key.settings] {
      var values: [String: String] = [:]
      for line in text.split(separator: "\n") {
        let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(
          String.init)
        guard parts.count == 2 else { throw invalid(Key.settings, "name=value lines") }
        values[parts[0]] = parts[1]
      }
      settings = values
    }

    configuration = nil
    if let text = metadata[Key.configuration] {
      guard let decoded = try? TrainingConfiguration(jsonText: text) else {
        throw invalid(Key.configuration, "a training configuration as JSON")
      }
      configuration = decoded
    }
  }
}
