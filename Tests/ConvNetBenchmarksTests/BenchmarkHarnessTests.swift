import ConvNet
import ConvNetBenchmarks
import Foundation
import XCTest

/// The benchmark harness produces well-formed figures. Nothing here judges speed: the workloads
/// run in `--quick` mode and only the shape of the output is checked.
final class BenchmarkHarnessTests: XCTestCase {
  /// The folder holding the test bundle also holds the `convnet` executable.
  private var executable: URL {
    var directory = Bundle(for: BenchmarkHarnessTests.self).bundleURL
    while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("convnet").path) {
      let parent = directory.deletingLastPathComponent()
      if parent == directory { break }
      directory = parent
    }
    return directory.appendingPathComponent("convnet")
  }

  /// Runs `convnet` and returns its standard output; fails the test on a non-zero status.
  private func convnet(_ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    XCTAssertEqual(process.terminationStatus, 0, "convnet \(arguments.joined(separator: " "))")
    return String(decoding: data, as: UTF8.self)
  }

  func testRecordRoundTripsThroughOneJSONLine() throws {
    let record = BenchmarkRecord(
      workload: "gemm", metric: "matmul", config: "m=2 k=3 n=4", value: 12.5, unit: "GFLOP/s",
      better: .higher, threads: 2)
    XCTAssertFalse(record.jsonLine.contains("\n"))
    XCTAssertEqual(try BenchmarkRecord(jsonLine: record.jsonLine), record)
    let object = try JSONSerialization.jsonObject(with: Data(record.jsonLine.utf8)) as? [String: Any]
    XCTAssertEqual(object?["framework"] as? String, "convnet")
    XCTAssertEqual(object?["value"] as? Double, 12.5)
    XCTAssertEqual(object?["better"] as? String, "higher")
  }

  func testMedianOfOddAndEvenCounts() {
    XCTAssertEqual(median([3, 1, 2]), 2)
    XCTAssertEqual(median([4, 1, 3, 2]), 2.5)
    XCTAssertEqual(Stopwatch.samples(warmUp: 1, repeats: 4) {}.count, 4)
    let adaptive = Stopwatch.adaptiveSamples(warmUp: 1, budget: 0, repeatRange: 3...5) {}
    XCTAssertEqual(adaptive.count, 3)
  }

  func testUnknownWorkloadNamesTheKnownOnes() {
    XCTAssertThrowsError(try Workloads.named("alexnet-train")) { error in
      XCTAssertTrue("\(error)".contains("lenet5-train"), "\(error)")
    }
  }

  /// `convnet bench --quick --json` runs every workload in a child process: each one reports
  /// its figures and its peak memory, with the full schema and positive, finite values.
  func testQuickRunOfEveryWorkloadPrintsWellFormedRecords() throws {
    let lines = try convnet(["bench", "--quick", "--json"]).split(separator: "\n")
    var metricsByWorkload: [String: Set<String>] = [:]
    for line in lines {
      let object = try XCTUnwrap(
        try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], String(line))
      for key in ["framework", "workload", "metric", "config", "unit", "better"] {
        XCTAssertNotNil(object[key] as? String, "\(key) missing in \(line)")
      }
      let value = try XCTUnwrap(object["value"] as? Double, String(line))
      XCTAssertTrue(value.isFinite && value > 0, String(line))
      XCTAssertGreaterThan(object["threads"] as? Int ?? 0, 0, String(line))
      let record = try BenchmarkRecord(jsonLine: String(line))
      metricsByWorkload[record.workload, default: []].insert(record.metric)
    }
    XCTAssertEqual(Set(metricsByWorkload.keys), Set(Workloads.all.map(\.name)))
    for (workload, metrics) in metricsByWorkload {
      XCTAssertTrue(metrics.contains("peak-rss"), "\(workload): \(metrics)")
      XCTAssertGreaterThan(metrics.count, 1, "\(workload) reported only its memory")
    }
    XCTAssertEqual(metricsByWorkload["conv"], ["forward", "forward+backward", "peak-rss"])
    XCTAssertEqual(metricsByWorkload["lenet5-infer"], ["latency", "throughput", "peak-rss"])
  }

  /// Without --json one workload runs in-process and prints a table.
  func testTableNamesUnitsAndConfigs() throws {
    let table = try convnet(["bench", "--quick", "--workload", "gemm"])
    XCTAssertTrue(table.contains("GFLOP/s"), table)
    XCTAssertTrue(table.contains("m=64 k=64 n=64"), table)
    XCTAssertTrue(table.contains("peak-rss"), table)
    let names = try convnet(["bench", "--list"]).split(separator: "\n").map(String.init)
    XCTAssertEqual(names, Workloads.all.map(\.name))
  }
}

/// The benchmark's ResNet-18 variant is the network the PyTorch peer builds.
final class CIFARStemResNet18Tests: XCTestCase {
  func testParameterCountAndOutputShapeMatchThePyTorchDefinition() {
    let model = ResNet(depth: .resNet18, classCount: 10, stem: .cifar)
    // sum(p.numel() for p in resnet18(cifar_stem=True, classes=10).parameters()) in
    // bench/pytorch_peer.py (the usual CIFAR ResNet-18 of kuangliu/pytorch-cifar).
    XCTAssertEqual(model.parameterCount, 11_173_962)
    var generator = SeededGenerator(seed: 1)
    let output = model(Variable(Tensor.randomNormal([2, 3, 32, 32], using: &generator)))
    XCTAssertEqual(output.shape, [2, 10])
    XCTAssertTrue(output.value.scalars.allSatisfy(\.isFinite))
  }
}
