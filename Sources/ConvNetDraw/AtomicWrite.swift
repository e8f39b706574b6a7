import Foundation

/// Writes `data` to `url` so that readers see either the old file or the complete new one: the
/// bytes go to a hidden temporary file in the same directory (so the rename stays on one file
/// system), are flushed, and the temporary file is renamed over `url`; on failure it is removed.
///
/// ConvNetIO has the same routine for weight files, but ConvNetDraw sits beside it rather than
/// above it (pictures need no safetensors) and reports `DrawError`s; a dozen lines of Foundation
/// calls are cheaper than a dependency or a new shared module.
func writeFileAtomically(_ data: Data, to url: URL) throws {
  let path = url.path
  let directory = url.deletingLastPathComponent()
  let temporary = directory.appendingPathComponent(
    ".\(url.lastPathComponent).\(UUID().uuidString).tmp")
  guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
    throw DrawError(
      path,
      "cannot create a temporary file in \(directory.path); "
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
      throw DrawError(
        path, "cannot rename the temporary file into place: " + String(cString: strerror(errno)))
    }
  } catch {
    try? FileManager.default.removeItem(at: temporary)
    if error is DrawError { throw error }
    throw DrawError(path, "cannot write the file: \(error.localizedDescription)")
  }
}
