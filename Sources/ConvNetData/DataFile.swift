import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reading a dataset file whole, with errors that say what the path is when it is not a file.
enum DataFile {
  /// The contents of the regular file at `url`.
  /// - Throws: `DataError` naming the full path: "not found", "is a directory", "is not a
  ///   regular file" (a FIFO would block the read forever, a device never end), or the
  ///   system's reason when it cannot be read.
  static func read(_ url: URL) throws -> Data {
    try checkRegularFile(url)
    do {
      return try Data(contentsOf: url)
    } catch {
      throw DataError(file: url.path, field: "file", problem: "could not be read (\(systemReason(error)))")
    }
  }

  /// Throws unless `url` names an existing regular file (symbolic links are followed).
  static func checkRegularFile(_ url: URL) throws {
    var status = stat()
    guard stat(url.path, &status) == 0 else {
      let reason = String(cString: strerror(errno))
      throw DataError(file: url.path, field: "file", problem: "cannot be opened (\(reason))")
    }
    switch status.st_mode & S_IFMT {
    case S_IFREG: return
    case S_IFDIR: throw DataError(file: url.path, field: "file", problem: "is a directory, expected a file")
    default:
      throw DataError(
        file: url.path, field: "file", problem: "is not a regular file (a FIFO, socket or device)")
    }
  }

  /// The POSIX reason under a Foundation error ("Permission denied"), else its description.
  private static func systemReason(_ error: Error) -> String {
    let nsError = error as NSError
    if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError,
      underlying.domain == NSPOSIXErrorDomain
    {
      return String(cString: strerror(Int32(underlying.code)))
    }
    return nsError.localizedDescription
  }
}
