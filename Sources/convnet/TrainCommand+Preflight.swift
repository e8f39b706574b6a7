import ArgumentParser
import ConvNet
import Foundation

/// Refuses a path given to `option` that is missing, a directory or not a regular file (a
/// FIFO would block the read forever).
func checkReadableFile(_ path: String, option: String) throws {
  var status = stat()
  guard stat(path, &status) == 0 else {
    throw CLIError("\(option) \(path): \(String(cString: strerror(errno)))")
  }
  switch status.st_mode & S_IFMT {
  case S_IFREG: return
  case S_IFDIR: throw CLIError("\(option) \(path): is a directory, expected a file")
  default: throw CLIError("\(option) \(path): not a regular file (a FIFO, socket or device)")
  }
}
