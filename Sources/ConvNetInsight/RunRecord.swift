import Foundation

/// Where a training run's files are: its history (`*.history.jsonl`), its description
/// (`*.run.json`) and its weights.
///
/// Two layouts exist. A run saved with a checkpoint `PATH.safetensors` keeps its files beside
/// it: `PATH.history.jsonl` and `PATH.run.json`. A run without a checkpoint gets a folder
/// `runs/<arch>-<yyyyMMdd-HHmmss>/` holding `history.jsonl` and `run.json`.
public struct RunRecord: Sendable, Equatable {
  /// The JSON-lines training history.
  public let historyURL: URL
  /// The run description.
  public let descriptionURL: URL
  /// The weights file, when the run saves or saved one (it may not exist yet).
  public let weightsURL: URL?

  public init(historyURL: URL, descriptionURL: URL, weightsURL: URL?) {
    self.historyURL = historyURL
    self.descriptionURL = descriptionURL
    self.weightsURL = weightsURL
  }

  /// The files beside a checkpoint: `model.safetensors` → `model.history.jsonl`, `model.run.json`.
  public static func beside(checkpoint: URL) -> RunRecord {
    let base = checkpoint.deletingPathExtension()
    return RunRecord(
      historyURL: base.appendingPathExtension("history.jsonl"),
      descriptionURL: base.appendingPathExtension("run.json"), weightsURL: checkpoint)
  }

  /// The files in a run folder; the weights are those its `run.json` names, if any.
  public static func inFolder(_ folder: URL) -> RunRecord {
    let descriptionURL = folder.appendingPathComponent("run.json")
    let weights = (try? RunDescription.load(from: descriptionURL))?.weights
    return RunRecord(
      historyURL: folder.appendingPathComponent("history.jsonl"), descriptionURL: descriptionURL,
      weightsURL: weights.map { URL(fileURLWithPath: $0) })
  }

  /// A new run folder's URL, `parent/<architecture>-<yyyyMMdd-HHmmss>` in UTC (not created).
  public static func newFolder(architecture: String, started: Date, in parent: URL) -> URL {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyyMMdd-HHmmss"
    return parent.appendingPathComponent("\(architecture)-\(formatter.string(from: started))")
  }

  /// The record for any of a run's paths: its folder, its checkpoint (`.safetensors`), or its
  /// history or description file of either layout.
  public static func locate(_ url: URL) throws -> RunRecord {
    var isDirectory: ObjCBool = false
    let exists = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
    if exists && isDirectory.boolValue { return inFolder(url) }
    let name = url.lastPathComponent
    if name == "history.jsonl" || name == "run.json" { return inFolder(url.deletingLastPathComponent()) }
    for suffix in [".history.jsonl", ".run.json"] where name.hasSuffix(suffix) && name.count > suffix.count {
      let base = url.deletingLastPathComponent().appendingPathComponent(String(name.dropLast(suffix.count)))
      let described = try? RunDescription.load(from: base.appendingPathExtension("run.json"))
      let weights =
        described?.weights.map { URL(fileURLWithPath: $0) } ?? base.appendingPathExtension("safetensors")
      return RunRecord(
        historyURL: base.appendingPathExtension("history.jsonl"),
        descriptionURL: base.appendingPathExtension("run.json"), weightsURL: weights)
    }
    if url.pathExtension == "safetensors" { return beside(checkpoint: url) }
    throw RunFileError(
      path: url.path,
      reason: exists
        ? "not a run: expected a run folder, a .safetensors checkpoint, or a .history.jsonl / .run.json file"
        : "no such file or folder")
  }

  /// Reads the history.
  public func loadHistory() throws -> TrainingHistory { try TrainingHistory.load(from: historyURL) }

  /// Reads the run description.
  public func loadDescription() throws -> RunDescription { try RunDescription.load(from: descriptionURL) }
}
