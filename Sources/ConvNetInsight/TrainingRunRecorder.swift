import ConvNetTraining
import Foundation

/// Records a training run as it happens: writes its description (`run.json`) at the start,
/// appends a history line for every `HistoryRecorder` entry, and — when asked — writes the
/// same figures and a picture per epoch to a TensorBoard event file.
///
/// Pass every `TrainingEvent` to `handle(_:)`. A failed write does not stop training: the
/// first error goes to `onError` and recording stops.
public final class TrainingRunRecorder {
  public let record: RunRecord
  public let recorder: HistoryRecorder
  /// The TensorBoard event file, when one is written.
  public var tensorBoardFileURL: URL? { tensorBoard?.fileURL }
  /// Pictures for TensorBoard's image dashboard after epoch `epoch` (from 1), by tag, e.g. a
  /// feature-map grid of a fixed test image. Called only when TensorBoard is written.
  public var epochImages: ((_ epoch: Int) throws -> [(tag: String, image: TensorBoardImage)])?
  /// Told about the first write that fails.
  public var onError: (Error) -> Void = { _ in }

  private let historyFile: AppendOnlyFile
  private let tensorBoard: TensorBoardWriter?
  private var failed = false

  /// Writes `description` to `record.descriptionURL` and opens the history for appending —
  /// before training starts, so a folder that does not exist is reported at once.
  ///
  /// - Parameters:
  ///   - resumedAfterEpoch: the epochs a resumed run had completed; its existing `run.json`
  ///     then gains an entry in `resumes` and takes this description's configuration (a fresh
  ///     one is written if there is none).
  ///   - tensorBoardDirectory: where to write TensorBoard events (created if needed), or nil.
  ///   - createsFolder: create the folder of the record's files first (a new run folder); a
  ///     checkpoint's folder is not created, as the checkpoint could not be saved there either.
  public init(
    record: RunRecord, description: RunDescription, resumedAfterEpoch: Int? = nil,
    recorder: HistoryRecorder, tensorBoardDirectory: URL? = nil, createsFolder: Bool = false
  ) throws {
    self.record = record
    self.recorder = recorder
    if createsFolder {
      let folder = record.descriptionURL.deletingLastPathComponent()
      do {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      } catch {
        throw RunFileError(
          path: folder.path, reason: "cannot create the run folder (\(error.localizedDescription))")
      }
    }
    var written = description
    if let resumedAfterEpoch, let existing = try? RunDescription.load(from: record.descriptionURL) {
      written = existing
      written.resumes.append(
        RunDescription.Resume(
          started: description.started, command: description.command, afterEpoch: resumedAfterEpoch))
      written.weights = description.weights ?? existing.weights
      written.tensorboard = description.tensorboard ?? existing.tensorboard
      // The run is now what the continuing session runs (e.g. extended to more epochs).
      written.configuration = description.configuration ?? existing.configuration
    }
    try written.write(to: record.descriptionURL)
    historyFile = try AppendOnlyFile(url: record.historyURL, trimsUnfinishedLine: true)
    tensorBoard = try tensorBoardDirectory.map { try TensorBoardWriter(directory: $0) }
  }

  /// Records what `event` adds to the history.
  public func handle(_ event: TrainingEvent) {
    guard !failed, let entry = recorder.record(event) else { return }
    do {
      try historyFile.append(Data((try entry.jsonLine() + "\n").utf8))
      if let tensorBoard {
        try tensorBoard.add(entry.tensorBoardScalars, step: entry.step)
        if entry.kind == .epoch, let epochImages {
          do {
            let images = try epochImages(entry.epoch).map {
              TensorBoardValue.image(tag: $0.tag, image: $0.image)
            }
            try tensorBoard.add(images, step: entry.step)
          } catch {
            // A picture that cannot be made (an odd architecture) costs the pictures, not the figures.
            self.epochImages = nil
            onError(error)
          }
        }
      }
    } catch {
      failed = true
      onError(error)
    }
  }
}
