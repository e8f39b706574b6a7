import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Writing a file atomically, and the checks and housekeeping around it.
public enum AtomicFileWrite {
  /// Writes `data` to `url` so that readers see either the old file or the complete new one,
  /// never a partial write: the bytes go to a hidden temporary file in the same directory (so
  /// the rename cannot cross file systems), are flushed to disk, and the temporary file is then
  /// renamed over `url` and the directory flushed. On any failure the temporary file is removed;
  /// a process killed mid-write leaves it behind, and `AtomicFileWrite.removeLeftovers(for:)`
  /// clears such files. Replacing an existing file keeps its permission bits.
  ///
  /// ConvNetIO (weight files, checkpoints) and ConvNetDraw (pictures) both write through this;
  /// each maps `AtomicWriteError` to its own error type.
  ///
  /// - Throws: `AtomicWriteError` naming `url` and the step that failed.
  public static func write(_ data: Data, to url: URL) throws {
    let path = url.path
    let directory = url.deletingLastPathComponent()
    let temporary = AtomicFileWrite.temporaryURL(for: url)
    guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
      throw AtomicWriteError(
        path: path,
        reason: "cannot create a temporary file in \(directory.path); "
          + "expected the directory to exist and be writable")
    }
    do {
      let handle = try FileHandle(forWritingTo: temporary)
      do {
        // The replaced file's permissions (e.g. a checkpoint made group-readable) carry over.
        var existing = stat()
        if stat(path, &existing) == 0, fchmod(handle.fileDescriptor, existing.st_mode & 0o7777) != 0 {
          throw AtomicWriteError(
            path: path,
            reason: "cannot copy the permissions of the existing file: " + String(cString: strerror(errno)))
        }
        try handle.write(contentsOf: data)
        try handle.synchronize()
        try handle.close()
      } catch {
        try? handle.close()
        throw error
      }
      guard rename(temporary.path, path) == 0 else {
        throw AtomicWriteError(
          path: path,
          reason: "cannot rename the temporary file into place: "
            + String(cString: strerror(errno)))
      }
      // The rename is durable only once the directory entry is on disk.
      let directoryDescriptor = open(directory.path, O_RDONLY | O_DIRECTORY)
      if directoryDescriptor >= 0 {
        _ = fsync(directoryDescriptor)
        close(directoryDescriptor)
      }
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      if error is AtomicWriteError { throw error }
      throw AtomicWriteError(
        path: path, reason: "cannot write the file: \(error.localizedDescription)")
    }
  }

  /// The temporary file a write to `url` goes through: hidden, beside it, with a unique part.
  static func temporaryURL(for url: URL) -> URL {
    url.deletingLastPathComponent().appendingPathComponent(
      ".\(url.lastPathComponent).\(UUID().uuidString).tmp")
  }

  /// Whether `name` is a temporary file of a write to a file named `target`: `.target.UUID.tmp`.
  static func isTemporaryName(_ name: String, of target: String) -> Bool {
    let prefix = ".\(target)."
    guard name.hasPrefix(prefix), name.hasSuffix(".tmp") else { return false }
    let middle = name.dropFirst(prefix.count).dropLast(4)
    return UUID(uuidString: String(middle)) != nil
  }

  /// Temporary files left beside `url` by writes that never finished (the process was killed
  /// mid-write), e.g. `.model.safetensors.<UUID>.tmp`.
  public static func leftovers(for url: URL) -> [URL] {
    let directory = url.deletingLastPathComponent()
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return names.filter { isTemporaryName($0, of: url.lastPathComponent) }.sorted()
      .map { directory.appendingPathComponent($0) }
  }

  /// Removes the temporary files of unfinished writes to `url` and returns them. Call it when
  /// no other process is writing `url`, e.g. before a training run starts saving there.
  /// - Throws: `AtomicWriteError` naming a leftover that cannot be removed.
  @discardableResult
  public static func removeLeftovers(for url: URL) throws -> [URL] {
    let found = leftovers(for: url)
    for leftover in found {
      do {
        try FileManager.default.removeItem(at: leftover)
      } catch {
        throw AtomicWriteError(
          path: leftover.path,
          reason: "cannot remove this leftover of an unfinished save: \(error.localizedDescription)")
      }
    }
    return found
  }

  /// Checks, before any work is done, that an atomic write to `url` can succeed as far as the
  /// file system says: the folder exists and is writable, and `url` is not a folder or a special
  /// file. (A full disk is only found when writing; the old file is then kept.)
  /// - Throws: `AtomicWriteError` naming `url` and what is wrong.
  public static func checkDestination(_ url: URL) throws {
    let path = url.path
    var isDirectory: ObjCBool = false
    if url.hasDirectoryPath
      || (FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue)
    {
      throw AtomicWriteError(path: path, reason: "is a directory; expected a file name to save to")
    }
    var status = stat()
    if lstat(path, &status) == 0, (status.st_mode & S_IFMT) != S_IFREG, (status.st_mode & S_IFMT) != S_IFLNK {
      throw AtomicWriteError(
        path: path, reason: "exists and is not a regular file; expected a file name to save to")
    }
    let directory = url.deletingLastPathComponent().path
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
      throw AtomicWriteError(path: path, reason: "the folder \(directory) does not exist")
    }
    guard isDirectory.boolValue else {
      throw AtomicWriteError(path: path, reason: "\(directory) is not a folder")
    }
    // Permission bits do not tell everything (root ignores them; a read-only file system does
    // not): create the temporary file a save would create, and remove it.
    let probe = temporaryURL(for: url).path
    let descriptor = open(probe, O_CREAT | O_EXCL | O_WRONLY, 0o600)
    guard descriptor >= 0 else {
      throw AtomicWriteError(
        path: path, reason: "cannot write in the folder \(directory): " + String(cString: strerror(errno)))
    }
    close(descriptor)
    unlink(probe)
  }
}

/// An atomic write, or a check before one, that failed: the file and what went wrong.
public struct AtomicWriteError: Error, CustomStringConvertible, LocalizedError, Sendable {
  /// The file being written (or, for a leftover, the leftover).
  public let path: String
  /// What is wrong, including what was expected.
  public let reason: String

  public init(path: String, reason: String) {
    self.path = path
    self.reason = reason
  }

  public var description: String { "\(path): \(reason)" }
  public var errorDescription: String? { description }
}
