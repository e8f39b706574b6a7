import ArgumentParser
import ConvNet
import ConvNetBenchmarks
import Foundation

struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Measure training, inference, convolution and GEMM speed (float32).",
    discussion: """
      Workloads: \(Workloads.all.map(\.name).joined(separator: ", ")). Without --workload each \
      one runs in a fresh child process (`convnet bench --workload NAME --json`), so its peak \
      memory (metric peak-rss) is its own. Kernels use \(Parallelism.threadCount) threads here: one \
      per core unless the environment variable CONVNET_NUM_THREADS says otherwise. \
      bench/compare.sh runs the same workloads in PyTorch and prints both side by side.
      """)

  @Option(help: "Run only this workload, in this process.")
  var workload: String?

  @Flag(help: "Print one JSON object per figure and line instead of a table.")
  var json = false

  @Flag(help: "Shrink every workload to smoke-test the harness; the figures mean nothing.")
  var quick = false

  @Option(
    help: ArgumentHelp(
      "Measure only the cases whose config contains this text (conv and gemm), e.g. \"s=2\" or \"m=256\".",
      valueName: "text"))
  var only: String?

  @Flag(help: "Print the workload names, one per line, and stop.")
  var list = false

  @Option(
    name: .customLong("onnx-dir"),
    help: ArgumentHelp(
      "Where the inference workloads' ONNX files go (DIR/WORKLOAD.onnx, ConvNet's export of the seeded network; "
        + "bench/compare.sh hands the same directory to ONNX Runtime). Default: a temporary directory.",
      valueName: "dir"))
  var onnxDirectory: String?

  /// Child mode: write the workload's ONNX file into --onnx-dir and stop (the export runs in its
  /// own process so that its memory is not counted as the workload's).
  @Flag(name: .customLong("write-onnx"), help: .hidden)
  var writeONNX = false

  func validate() throws {
    if let workload {
      do { _ = try Workloads.named(workload) } catch { throw ValidationError("\(error)") }
    }
    if writeONNX && (workload == nil || onnxDirectory == nil) {
      throw ValidationError("--write-onnx needs --workload and --onnx-dir")
    }
  }

  func run() throws {
    if list {
      for workload in Workloads.all { print(workload.name) }
      return
    }
    var records: [BenchmarkRecord] = []
    let emit: (BenchmarkRecord) -> Void = { record in
      if json {
        print(record.jsonLine)
        fflush(stdout)
      } else {
        records.append(record)
      }
    }
    let executable = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
    let directory = try onnxDirectory.map { URL(fileURLWithPath: $0) } ?? temporaryONNXDirectory()
    defer { if onnxDirectory == nil { try? FileManager.default.removeItem(at: directory) } }
    if onnxDirectory != nil {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }
    let settings = BenchmarkSettings(quick: quick, caseFilter: only, onnxDirectory: directory)
    if let workload {
      let found = try Workloads.named(workload)
      if writeONNX {
        try Workloads.writeONNX(workload: found.name, settings: settings, to: directory)
        return
      }
      // The `-onnx-infer` workloads read their file; a catalogue one writes it for its peer.
      if Workloads.onnxArchitectures[found.name] != nil
        && (found.name.hasSuffix("-onnx-infer") || onnxDirectory != nil)
      {
        try runBenchmarkChild(
          executable: executable,
          arguments: ["bench", "--workload", found.name, "--onnx-dir", directory.path, "--write-onnx"]
            + (quick ? ["--quick"] : []),
          emit: { _ in })
      }
      try found.run(settings, emit: emit)
    } else {
      for workload in Workloads.all {
        printError("running \(workload.name)…")
        try runBenchmarkChild(
          executable: executable,
          arguments: ["bench", "--workload", workload.name, "--json", "--onnx-dir", directory.path]
            + (quick ? ["--quick"] : []) + (only.map { ["--only", $0] } ?? []),
          emit: emit)
      }
    }
    if !json { print(table(records)) }
  }

  /// A fresh directory for ONNX files, removed when the command ends.
  func temporaryONNXDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "convnet-bench-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  func table(_ records: [BenchmarkRecord]) -> String {
    var table = TextTable(columns: ["workload", "metric", "config", "value", "unit"])
    for record in records {
      table.add([record.workload, record.metric, record.config, formatValue(record.value), record.unit])
    }
    return table.render(rightAligned: [3])
  }

  /// Three significant figures at least, grouped thousands: 12,345 / 123.4 / 1.23.
  func formatValue(_ value: Double) -> String {
    if value >= 1_000 { return formatCount(Int(value.rounded())) }
    if value >= 100 { return String(format: "%.1f", value) }
    return String(format: "%.2f", value)
  }
}
