import Foundation

/// Writes a TensorBoard event file: `DIR/events.out.tfevents.<seconds>.<host>.convnet`, opened
/// with the "brain.Event:2" file-version event, then one record per `add…` call, each written
/// through at once (TensorBoard reads a file that is still growing).
///
/// A new writer starts a new file; TensorBoard shows all files of a folder as one run, so a
/// resumed run adds a file beside the first.
public final class TensorBoardWriter {
  /// The event file being written.
  public let fileURL: URL
  private let file: AppendOnlyFile
  private let clock: () -> Date

  /// Creates `directory` if needed and the event file in it.
  public init(directory: URL, clock: @escaping () -> Date = Date.init) throws {
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    } catch {
      throw RunFileError(
        path: directory.path, reason: "cannot create the TensorBoard folder (\(error.localizedDescription))")
    }
    self.clock = clock
    let now = clock()
    let host = ProcessInfo.processInfo.hostName.isEmpty ? "localhost" : ProcessInfo.processInfo.hostName
    var name = "events.out.tfevents.\(Int(now.timeIntervalSince1970)).\(host).convnet"
    // Two writers started in the same second in one folder must not share a file.
    var suffix = 1
    while FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path) {
      suffix += 1
      name = "events.out.tfevents.\(Int(now.timeIntervalSince1970)).\(host).convnet\(suffix)"
    }
    fileURL = directory.appendingPathComponent(name)
    file = try AppendOnlyFile(url: fileURL, trimsUnfinishedLine: false)
    try write(
      TensorBoardEvent(wallTime: now.timeIntervalSince1970, step: 0, content: .fileVersion("brain.Event:2")))
  }

  /// Appends one event.
  public func write(_ event: TensorBoardEvent) throws {
    try file.append(Data(TFRecordFraming.frame(event.encoded())))
  }

  /// Appends one summary event holding `values`, stamped now.
  public func add(_ values: [TensorBoardValue], step: Int) throws {
    guard !values.isEmpty else { return }
    try write(
      TensorBoardEvent(wallTime: clock().timeIntervalSince1970, step: Int64(step), content: .summary(values)))
  }
}
