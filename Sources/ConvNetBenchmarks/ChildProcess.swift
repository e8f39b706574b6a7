import Foundation

/// A benchmark child process that failed.
public struct BenchmarkChildError: Error, CustomStringConvertible {
  public let description: String
}

/// Runs `executable` with `arguments` — a benchmark that prints one `BenchmarkRecord` per line
/// of standard output — and passes each record to `emit` as its line arrives. The child's
/// standard error is inherited (progress and errors stay visible).
///
/// `convnet bench` runs every workload this way, in a fresh process, so that each workload's
/// peak resident memory is its own and no workload inherits another's warm caches or heap.
public func runBenchmarkChild(
  executable: URL, arguments: [String], emit: (BenchmarkRecord) -> Void
) throws {
  let process = Process()
  process.executableURL = executable
  process.arguments = arguments
  let output = Pipe()
  process.standardOutput = output
  try process.run()
  var pending = Data()
  let newline = UInt8(ascii: "\n")
  func emitLine(_ line: Data) throws {
    let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces)
    if !text.isEmpty { emit(try BenchmarkRecord(jsonLine: text)) }
  }
  while true {
    let chunk = output.fileHandleForReading.availableData
    if chunk.isEmpty { break }
    pending.append(chunk)
    while let end = pending.firstIndex(of: newline) {
      try emitLine(pending[pending.startIndex..<end])
      pending = Data(pending[pending.index(after: end)...])
    }
  }
  try emitLine(pending)
  process.waitUntilExit()
  guard process.terminationStatus == 0 else {
    throw BenchmarkChildError(
      description: "\(executable.lastPathComponent) \(arguments.joined(separator: " ")) "
        + "exited with status \(process.terminationStatus)")
  }
}
