import Foundation

/// Writes `data` to `url` so that readers see either the old file or the complete new one,
/// never a partial write: the bytes go to a hidden temporary file in the same directory (so
/// the rename cannot cross file systems), are flushed to disk, and the temporary file is then
/// renamed over `url`. On any failure the temporary file is removed.
///
/// - Throws: `SafetensorsError` naming `url` and the step that failed.
func writeFileAtomically(_ data: Data, to url: URL) throws {
  let path = url.path
  let directory = url.deletingLastPathComponent()
  let temporary = directory.appendingPathComponent(
    ".\(url.lastPathComponent).\(UUID().uuidString).tmp")
  guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
    throw SafetensorsError(
      path: path,
      reason: "cannot create a temporary file in \(directory.path); "
        + "expected the directory to exist and be writable")
  }
  do {
    let handle = try FileHandle(forWritingTo: temporary)
    do {
      try handle.write(contentsOf: data)
      try handle.synchronize()
      try handle.close()
    } catch {
      try? handle.close()
      throw error
    }
    guard rename(temporary.path, path) == 0 else {
      throw SafetensorsError(
        path: path,
        reason: "cannot rename the temporary file into place: "
          + String(cString: strerror(errno)))
    }
  } catch {
    try? FileManager.default.removeItem(at: temporary)
    if error is SafetensorsError { throw error }
    throw SafetensorsError(
      path: path, reason: "cannot write the file: \(error.localizedDescription)")
  }
}
