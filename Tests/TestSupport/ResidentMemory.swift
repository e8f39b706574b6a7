import Foundation
import XCTest

/// The resident set size of this process in bytes (Linux `/proc/self/status`, VmRSS): what
/// memory-growth tests compare before and after thousands of iterations. Skips the test where
/// the figure is not available.
public func residentBytes() throws -> Int {
  guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else {
    throw XCTSkip("needs /proc/self/status (Linux)")
  }
  for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
    return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
  }
  throw XCTSkip("no VmRSS line in /proc/self/status")
}
