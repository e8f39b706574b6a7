import ConvNetKernels
import Foundation
import XCTest

/// Runs `body` once at every SIMD level this CPU supports (`SIMDLevel.withActive`), portable
/// first, and restores the level that was active before. Levels the CPU lacks are skipped and
/// named: once per process on stdout (so a log shows which paths a machine tested), and in the
/// returned list. Assertion messages should include the level `body` is given.
@discardableResult
public func forEachSIMDLevel(
  file: StaticString = #filePath, line: UInt = #line, _ body: (SIMDLevel) -> Void
) -> [SIMDLevel] {
  let skipped = SIMDLevel.allCases.filter { !$0.isSupported }
  SIMDLevelReport.once(skipped: skipped)
  for level in SIMDLevel.allCases where level.isSupported {
    do {
      try SIMDLevel.withActive(level) { body(level) }
    } catch {
      XCTFail("\(error)", file: file, line: line)
    }
  }
  return skipped
}

/// Prints which SIMD levels the tests run and skip, once per process.
enum SIMDLevelReport {
  private static let lock = NSLock()
  nonisolated(unsafe) private static var printed = false

  static func once(skipped: [SIMDLevel]) {
    lock.lock()
    defer { lock.unlock() }
    if printed { return }
    printed = true
    let run = SIMDLevel.allCases.filter(\.isSupported).map(\.description)
    let skippedNames = skipped.isEmpty ? "none" : skipped.map(\.description).joined(separator: ", ")
    print(
      "SIMD levels tested: \(run.joined(separator: ", ")); skipped (not supported by this CPU): "
        + skippedNames)
  }
}
