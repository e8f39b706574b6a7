import Foundation

/// A file that grows line by line (or record by record), kept open while a run lasts.
///
/// Opening keeps what is there — a resumed run continues the file — except an unfinished
/// last line (no newline; a run killed mid-write), which is cut off so the next line starts
/// clean. Every write goes straight to the file, so a run stopped at any point leaves all
/// completed lines readable.
final class AppendOnlyFile {
  let url: URL
  private let handle: FileHandle

  /// - Parameter trimsUnfinishedLine: cut off a last line that lacks its newline (text files).
  init(url: URL, trimsUnfinishedLine: Bool) throws {
    self.url = url
    let manager = FileManager.default
    if !manager.fileExists(atPath: url.path) {
      guard manager.createFile(atPath: url.path, contents: nil) else {
        throw RunFileError(
          path: url.path, reason: "cannot create the file; expected its folder to exist and be writable")
      }
    }
    do {
      handle = try FileHandle(forUpdating: url)
      let end = try handle.seekToEnd()
      if trimsUnfinishedLine && end > 0 {
        try handle.seek(toOffset: 0)
        let content = try handle.readToEnd() ?? Data()
        if content.last != UInt8(ascii: "\n") {
          let keep = content.lastIndex(of: UInt8(ascii: "\n")).map { $0 - content.startIndex + 1 } ?? 0
          try handle.truncate(atOffset: UInt64(keep))
        }
        try handle.seekToEnd()
      }
    } catch let error as RunFileError {
      throw error
    } catch {
      throw RunFileError(
        path: url.path, reason: "cannot open the file for appending (\(error.localizedDescription))")
    }
  }

  func append(_ data: Data) throws {
    do {
      try handle.write(contentsOf: data)
    } catch {
      throw RunFileError(path: url.path, reason: "cannot append (\(error.localizedDescription))")
    }
  }

  deinit { try? handle.close() }
}
