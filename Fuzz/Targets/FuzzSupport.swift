// Shared by the fuzz targets (compiled into each one).
import Foundation

/// The fuzzer's input as bytes.
func fuzzBytes(_ start: UnsafeRawPointer?, _ count: Int) -> [UInt8] {
  guard let start, count > 0 else { return [] }
  return [UInt8](UnsafeRawBufferPointer(start: start, count: count))
}

/// A private folder for targets whose parser reads files (CIFAR, CSV, checkpoints): the input
/// is written there and read back through the public API, as a user's file would be.
let fuzzScratchDirectory: URL = {
  let base = ProcessInfo.processInfo.environment["FUZZ_SCRATCH"]
    ?? (FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory())
  let url = URL(fileURLWithPath: base)
    .appendingPathComponent("convnet-fuzz-\(ProcessInfo.processInfo.processIdentifier)")
  try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}()

/// Writes `bytes` to `name` in the scratch folder and returns its URL.
func writeScratchFile(_ name: String, _ bytes: some Collection<UInt8>) -> URL {
  let url = fuzzScratchDirectory.appendingPathComponent(name)
  // A failed write would make every later input meaningless: stop loudly.
  guard FileManager.default.createFile(atPath: url.path, contents: Data(bytes)) else {
    fatalError("fuzz harness: cannot write \(url.path)")
  }
  return url
}
