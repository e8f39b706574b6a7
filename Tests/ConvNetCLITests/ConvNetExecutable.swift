import Foundation
import XCTest

/// The built `convnet` executable, run as a user would run it — shared by the CLI test classes.
enum ConvNetExecutable {
  struct Run {
    let status: Int32
    let standardOutput: String
    let standardError: String
  }

  private final class BundleMarker {}

  /// The folder holding the test bundle also holds the `convnet` executable.
  static var url: URL {
    var directory = Bundle(for: BundleMarker.self).bundleURL
    while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("convnet").path) {
      let parent = directory.deletingLastPathComponent()
      if parent == directory { break }
      directory = parent
    }
    return directory.appendingPathComponent("convnet")
  }

  /// Runs `convnet ARGUMENTS` to its end, in `directory` when given, with `environment` added to
  /// this process's environment.
  static func run(
    _ arguments: [String], environment: [String: String] = [:], in directory: URL? = nil
  ) throws -> Run {
    let process = Process()
    process.executableURL = url
    process.arguments = arguments
    if !environment.isEmpty {
      process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    if let directory { process.currentDirectoryURL = directory }
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
    // Standard error is drained on its own thread: a child that fills one pipe while the test
    // waits on the other would never finish.
    let errorData = DrainedBytes()
    let errorDrained = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
      errorData.bytes = error.fileHandleForReading.readDataToEndOfFile()
      errorDrained.signal()
    }
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    errorDrained.wait()
    process.waitUntilExit()
    return Run(
      status: process.terminationStatus, standardOutput: String(decoding: outputData, as: UTF8.self),
      standardError: String(decoding: errorData.bytes, as: UTF8.self))
  }

  /// What the draining thread read; the semaphore orders its write before the read.
  private final class DrainedBytes: @unchecked Sendable {
    var bytes = Data()
  }
}

extension XCTestCase {
  /// A new empty folder under the system's temporary folder, removed when the test ends.
  func makeTemporaryDirectory(prefix: String = "convnet-cli") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
  }
}
