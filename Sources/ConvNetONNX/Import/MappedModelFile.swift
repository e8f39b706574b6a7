import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A model file mapped read-only into memory, whose pages can be given back once read
/// (`drop(upTo:)`): they count towards the process's resident memory only while read, and a
/// later read would load them from the file again.
final class MappedModelFile {
  let bytes: UnsafeRawBufferPointer
  var count: Int { bytes.count }
  /// The offset up to which pages were dropped.
  private var dropped = 0
  private let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

  /// Maps the file at `path`; nil when it cannot be opened or mapped or is empty (the caller
  /// then reads it the usual way, which reports why).
  init?(path: String) {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0, status.st_size > 0 else { return nil }
    let size = Int(status.st_size)
    guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), base != MAP_FAILED else {
      return nil
    }
    bytes = UnsafeRawBufferPointer(start: base, count: size)
    // Read front to back, once.
    _ = madvise(base, size, MADV_SEQUENTIAL)
  }

  /// Gives back the whole pages before `offset` (their contents have been read and copied).
  func drop(upTo offset: Int) {
    let end = offset / pageSize * pageSize
    guard end > dropped, let base = bytes.baseAddress else { return }
    _ = madvise(UnsafeMutableRawPointer(mutating: base + dropped), end - dropped, MADV_DONTNEED)
    dropped = end
  }

  deinit {
    if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
  }
}
