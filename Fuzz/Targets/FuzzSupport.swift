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

/// Writes `bytes` to `name` in the scratch folder and returns its URL. Empty contents remove
/// the file instead: Foundation leaks 4 KiB on every read of an empty file (see Fuzz/lsan.supp),
/// and each such leak makes libFuzzer run a full leak check — 50 executions a second instead of
/// thousands. (Empty files are refused with one line; the unit tests cover that.)
func writeScratchFile(_ name: String, _ bytes: some Collection<UInt8>) -> URL {
  let url = fuzzScratchDirectory.appendingPathComponent(name)
  if bytes.isEmpty {
    try? FileManager.default.removeItem(at: url)
    return url
  }
  do {
    try Data(bytes).write(to: url)
  } catch {
    // A failed write would make every later input meaningless: stop loudly.
    fatalError("fuzz harness: cannot write \(url.path): \(error)")
  }
  return url
}
