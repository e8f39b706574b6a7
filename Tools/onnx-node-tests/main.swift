// onnx-node-tests: runs the ONNX backend's test cases through ConvNet's importer and prints
// "N passed, M failed, K skipped (unsupported: …)". Driven by scripts/onnx-node-tests.sh, which
// finds the cases in the installed `onnx` wheel.
//
//   onnx-node-tests [--verbose] [--filter TEXT] SUITE_DIR…
//
// A SUITE_DIR holds case folders (model.onnx + test_data_set_*) or light_*.onnx model-zoo files.
// Exit status 1 when any case failed.
import ConvNetONNX
import Foundation

var verbose = false
var filter: String?
var suites: [String] = []
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
  switch argument {
  case "--verbose": verbose = true
  case "--filter":
    guard let value = arguments.next() else {
      FileHandle.standardError.write("onnx-node-tests: --filter needs a value\n".data(using: .utf8)!)
      exit(2)
    }
    filter = value
  default: suites.append(argument)
  }
}
if suites.isEmpty {
  FileHandle.standardError.write("usage: onnx-node-tests [--verbose] [--filter TEXT] SUITE_DIR…\n".data(using: .utf8)!)
  exit(2)
}

var passed = 0
var failed = 0
var skipped: [String: Int] = [:]
let files = FileManager.default
for suite in suites {
  let root = URL(fileURLWithPath: suite)
  guard let entries = try? files.contentsOfDirectory(atPath: root.path) else {
    FileHandle.standardError.write("onnx-node-tests: \(suite): not a readable folder\n".data(using: .utf8)!)
    exit(2)
  }
  var suiteCounts = (passed: 0, failed: 0, skipped: 0)
  for entry in entries.sorted() {
    if let filter, !entry.contains(filter) { continue }
    let path = root.appendingPathComponent(entry)
    let outcome: ONNXConformance.Outcome
    if files.fileExists(atPath: path.appendingPathComponent("model.onnx").path) {
      outcome = ONNXConformance.runCase(directory: path)
    } else if entry.hasSuffix(".onnx") {
      outcome = ONNXConformance.runLightModel(file: path)
    } else {
      continue
    }
    let name = "\(root.lastPathComponent)/\(entry)"
    switch outcome {
    case .passed:
      passed += 1
      suiteCounts.passed += 1
      if verbose { print("PASS \(name)") }
    case .failed(let reason):
      failed += 1
      suiteCounts.failed += 1
      print("FAIL \(name): \(reason)")
    case .skipped(let what, let message):
      skipped[what, default: 0] += 1
      suiteCounts.skipped += 1
      if verbose { print("SKIP \(name): \(message)") }
    }
    fflush(stdout)
  }
  print("\(root.lastPathComponent): \(suiteCounts.passed) passed, \(suiteCounts.failed) failed, \(suiteCounts.skipped) skipped")
}
let reasons = skipped.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
  .map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
print("unsupported: \(reasons)")
print("\(passed) passed, \(failed) failed, \(skipped.values.reduce(0, +)) skipped")
exit(failed == 0 ? 0 : 1)
