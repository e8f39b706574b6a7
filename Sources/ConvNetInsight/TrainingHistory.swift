import Foundation

/// A training history read back from its JSON-lines file: the entries in step order.
///
/// A resumed run appends to the file it continues. When it resumes from a checkpoint older
/// than the last lines written (the earlier session stopped mid-epoch), the lines it writes
/// again replace the stale ones: reading keeps, for every position (step, then step before
/// epoch line), the entry written last. An epoch cut short (by `--max-steps` or Ctrl-C) and
/// then continued by a resume has two epoch lines; the later one, covering more steps, stands
/// for that epoch.
public struct TrainingHistory: Sendable, Equatable {
  public var entries: [HistoryEntry]

  public init(entries: [HistoryEntry]) {
    self.entries = []
    for entry in entries { append(entry) }
  }

  /// The epoch lines, in order.
  public var epochs: [HistoryEntry] { entries.filter { $0.kind == .epoch } }

  /// The step lines, in order.
  public var steps: [HistoryEntry] { entries.filter { $0.kind == .step } }

  /// Adds `entry`, first dropping entries at or after its position (those a resume rewrites)
  /// and, for an epoch line, an earlier line of the same epoch (the part before a resume).
  public mutating func append(_ entry: HistoryEntry) {
    while let last = entries.last, !TrainingHistory.precedes(last, entry) { entries.removeLast() }
    if entry.kind == .epoch {
      entries.removeAll { $0.kind == .epoch && $0.epoch == entry.epoch }
    }
    entries.append(entry)
  }

  /// Reads a `history.jsonl` file. Blank lines are skipped and so is an unreadable last line
  /// without a newline (a run killed while writing it); any other unreadable line is an error.
  public static func load(from url: URL) throws -> TrainingHistory {
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw RunFileError(
        path: url.path, reason: "cannot read the training history (\(error.localizedDescription))")
    }
    return try TrainingHistory(jsonLines: data, source: url.path)
  }

  /// Parses JSON lines; `source` names the file in errors.
  public init(jsonLines data: Data, source: String) throws {
    self.entries = []
    let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    let decoder = HistoryEntry.decoder
    for (index, line) in lines.enumerated() {
      if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { continue }
      do {
        append(try decoder.decode(HistoryEntry.self, from: Data(line)))
      } catch {
        let isUnfinishedLastLine = index == lines.count - 1
        if isUnfinishedLastLine { continue }
        throw RunFileError(
          path: source,
          reason:
            "line \(index + 1) is not a history entry (expected a JSON object with kind, epoch, step, wall_time, elapsed_seconds): \(Self.describe(error))"
        )
      }
    }
  }

  /// Whether `a` comes strictly before `b`: by step, and at one step the step line first.
  static func precedes(_ a: HistoryEntry, _ b: HistoryEntry) -> Bool {
    if a.step != b.step { return a.step < b.step }
    return a.kind == .step && b.kind == .epoch
  }

  private static func describe(_ error: Error) -> String {
    switch error {
    case DecodingError.keyNotFound(let key, _): return "field \"\(key.stringValue)\" missing"
    case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
      return "field \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" has the wrong type"
    case DecodingError.dataCorrupted(let context):
      return context.codingPath.isEmpty
        ? "not valid JSON"
        : "field \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" is invalid"
    default: return "\(error)"
    }
  }
}
