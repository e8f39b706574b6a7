import ConvNetIO
import ConvNetNN
import ConvNetTensor
import Foundation

/// Saving and restoring training state: one checkpoint is one safetensors file, written
/// atomically, so it is always a consistent unit.
///
/// - Tensors: the model's state dict under PyTorch keys (`features.0.weight`,
///   `bn1.num_batches_tracked` as int64), and the optimiser state under the key prefix
///   `optimizer.` (`optimizer.0.momentum_buffer`, `optimizer.3.exp_avg`, `optimizer.3.step`).
/// - Metadata: `architecture`, `format: pt`, `epoch`, and the rest of the `TrainingState`
///   (step within the epoch, step count, learning-rate plan, data order, every dropout/RReLU
///   generator) under `convnet.` keys.
///
/// PyTorch reads the weights with `safetensors.torch.load_file(path)` and then either
/// `model.load_state_dict(tensors, strict=False)` (the `optimizer.` keys are reported as
/// unexpected and ignored) or after filtering the keys that start with `optimizer.`.
/// `loadWeights` and `readWeights` leave those keys out.
///
/// Checkpoints of the earlier format — weights in `FILE`, optimiser state in
/// `FILE.optimizer.safetensors` — are still read, if both files record the same epoch.
public enum Checkpoint {
  /// The key prefix of the optimiser state's tensors.
  public static let optimizerPrefix = "optimizer."

  /// The companion file in which the earlier two-file format kept the optimiser state.
  public static func legacyOptimizerURL(for url: URL) -> URL {
    url.deletingPathExtension().appendingPathExtension("optimizer.safetensors")
  }

  /// Writes the model's weights, the optimiser's state (if given) and `state` as one file,
  /// atomically: a reader (or a process killed at any moment) sees the previous checkpoint or
  /// this one, never a mixture. An existing file keeps its permissions.
  public static func save(
    model: any Module, optimizer: (any Optimizer)?, architecture: String, state: TrainingState,
    to url: URL
  ) throws {
    var metadata = state.metadata
    metadata["architecture"] = architecture
    metadata["format"] = "pt"
    var entries = model.stateDict().map {
      (name: $0.name, tensor: $0.value, dtype: $0.isInteger ? SafetensorsDType.i64 : .f32)
    }
    if let optimizer {
      entries += optimizer.stateTensors().sorted { $0.key < $1.key }.map {
        (name: optimizerPrefix + $0.key, tensor: $0.value, dtype: SafetensorsDType.f32)
      }
    }
    try SafetensorsFile.write(entries, metadata: metadata, to: url)
  }

  /// Writes a checkpoint of `epoch` completed epochs with no further training state (weights
  /// and, if given, the optimiser state).
  public static func save(
    model: any Module, optimizer: (any Optimizer)? = nil, architecture: String, epoch: Int,
    to url: URL
  ) throws {
    try save(
      model: model, optimizer: optimizer, architecture: architecture,
      state: TrainingState(epoch: epoch, globalStep: 0), to: url)
  }

  /// The weights of a checkpoint or of any safetensors state dict: every tensor except the
  /// optimiser state.
  public static func readWeights(from url: URL) throws -> [String: Tensor] {
    try readStateDict(from: url).filter { !$0.key.hasPrefix(optimizerPrefix) }
  }

  /// Loads weights into `model`; every key and shape must match (the error names the first
  /// mismatch and the file).
  public static func loadWeights(into model: any Module, from url: URL) throws {
    let tensors = try readWeights(from: url)
    do {
      try model.loadStateDict(tensors)
    } catch let error as StateDictError {
      throw StateDictError("\(url.path): \(error.description)")
    }
  }

  /// What `load` found besides the tensors it restored.
  public struct Loaded {
    public var state: TrainingState
    /// True for a checkpoint of the earlier two-file format: it has no step within the epoch,
    /// data order, learning-rate plan or generator states, so a continuation from it follows
    /// the current settings and is not bit-identical to an uninterrupted run.
    public var isLegacy: Bool
  }

  /// Restores the model's weights, the optimiser's state and the dropout/RReLU generators from
  /// the checkpoint at `url`, and returns the training state to continue from.
  ///
  /// - Parameter settings: the settings of the run that continues; when the checkpoint recorded
  ///   its own, every name present in both must have the same value.
  /// - Throws: `StateDictError` naming the file and the first key, shape, metadata field or
  ///   setting that does not fit; the model may then be partly restored.
  public static func load(
    from url: URL, model: any Module, optimizer: any Optimizer, settings: [String: String] = [:]
  ) throws -> Loaded {
    let file = try SafetensorsFile.read(from: url)
    guard file.metadata[TrainingState.Key.version] != nil else {
      return try loadLegacy(from: url, model: model, optimizer: optimizer)
    }
    let state = try TrainingState(metadata: file.metadata, path: url.path)
    if let saved = state.settings {
      let differing = settings.keys.sorted().filter { saved[$0] != nil && saved[$0] != settings[$0] }
      if !differing.isEmpty {
        let was = differing.map { "\($0) \(saved[$0] ?? "")" }.joined(separator: ", ")
        let now = differing.map { "\($0) \(settings[$0] ?? "")" }.joined(separator: ", ")
        throw StateDictError(
          "\(url.path): this checkpoint was trained with \(was), this run has \(now); "
            + "continuing needs the same settings")
      }
    }
    var weights: [String: Tensor] = [:]
    var optimizerState: [String: Tensor] = [:]
    for name in file.names {
      if name.hasPrefix(optimizerPrefix) {
        optimizerState[String(name.dropFirst(optimizerPrefix.count))] = try file.tensor(named: name)
      } else {
        weights[name] = try file.tensor(named: name)
      }
    }
    do {
      try model.loadStateDict(weights)
    } catch let error as StateDictError {
      throw StateDictError("\(url.path): \(error.description)")
    }
    do {
      try optimizer.loadState(optimizerState)
      if let generators = state.generators { try model.restoreGenerators(generators) }
    } catch {
      throw StateDictError("\(url.path): \(error)")
    }
    return Loaded(state: state, isLegacy: false)
  }

  /// The earlier format: weights in `url`, optimiser state in `legacyOptimizerURL(for: url)`,
  /// both with an "epoch" field. Saved one after the other, they can disagree (a process killed
  /// between the two writes); such a pair is refused.
  private static func loadLegacy(from url: URL, model: any Module, optimizer: any Optimizer) throws -> Loaded
  {
    let optimizerURL = legacyOptimizerURL(for: url)
    guard FileManager.default.fileExists(atPath: optimizerURL.path) else {
      throw StateDictError(
        "\(url.path): holds weights only (no training state, and no \(optimizerURL.lastPathComponent) "
          + "beside it); it can start a new run as initial weights, not continue one")
    }
    let weightsFile = try SafetensorsFile.read(from: url)
    let optimizerFile = try SafetensorsFile.read(from: optimizerURL)
    guard let epochText = optimizerFile.metadata["epoch"], let epoch = Int(epochText), epoch >= 0 else {
      throw StateDictError("\(optimizerURL.path): metadata field \"epoch\" missing or not a number")
    }
    guard weightsFile.metadata["epoch"] == epochText else {
      throw StateDictError(
        "\(url.path) (epoch \(weightsFile.metadata["epoch"] ?? "?")) and \(optimizerURL.lastPathComponent) "
          + "(epoch \(epochText)) were saved after different epochs (a save was interrupted); "
          + "they cannot continue a run together — use the weights alone as initial weights")
    }
    try loadWeights(into: model, from: url)
    var state: [String: Tensor] = [:]
    for name in optimizerFile.names { state[name] = try optimizerFile.tensor(named: name) }
    do {
      try optimizer.loadState(state)
    } catch {
      throw StateDictError("\(optimizerURL.path): \(error)")
    }
    return Loaded(state: TrainingState(epoch: epoch, globalStep: 0), isLegacy: true)
  }

  /// The training state a checkpoint records (its configuration included, when it has one),
  /// without loading its tensors; nil for a checkpoint of the earlier two-file format or a
  /// plain weight file.
  /// - Throws: errors of `SafetensorsFile.read`; `StateDictError` for malformed metadata.
  public static func recordedState(at url: URL) throws -> TrainingState? {
    let file = try SafetensorsFile.read(from: url)
    guard file.metadata[TrainingState.Key.version] != nil else { return nil }
    return try TrainingState(metadata: file.metadata, path: url.path)
  }

  /// Restores model and optimiser from a checkpoint; returns the epochs completed.
  public static func resume(model: any Module, optimizer: any Optimizer, from url: URL) throws -> Int {
    try load(from: url, model: model, optimizer: optimizer).state.epoch
  }

  /// Makes `url` ready to receive checkpoints before a run starts: checks that it can be written
  /// (folder exists and is writable, not a folder itself) and removes the temporary files of
  /// saves that were killed before they finished. Returns the files removed.
  /// - Throws: `AtomicWriteError` naming the path and the problem.
  @discardableResult
  public static func prepareDestination(_ url: URL) throws -> [URL] {
    try AtomicFileWrite.checkDestination(url)
    return try AtomicFileWrite.removeLeftovers(for: url)
  }
}
