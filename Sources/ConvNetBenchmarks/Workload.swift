import Foundation

/// How long a benchmark run should be.
public struct BenchmarkSettings: Sendable {
  /// Shrink every workload (fewer images, smaller batches and matrices, fewer repeats) so that
  /// the harness can be smoke-tested in seconds; the figures are then not comparable.
  public var quick: Bool
  /// Run only the cases whose config contains this text (the `conv` and `gemm` workloads,
  /// which measure many cases); nil runs them all.
  public var caseFilter: String?
  /// Where the inference workloads' ONNX files are (`Workloads.onnxFile(workload:in:)`): the
  /// `-onnx-infer` workloads read theirs from here.
  public var onnxDirectory: URL?

  public init(quick: Bool = false, caseFilter: String? = nil, onnxDirectory: URL? = nil) {
    self.quick = quick
    self.caseFilter = caseFilter
    self.onnxDirectory = onnxDirectory
  }

  /// Whether the case with this config is to be measured.
  public func includes(config: String) -> Bool {
    guard let caseFilter else { return true }
    return config.contains(caseFilter)
  }
}

/// A named benchmark: what `convnet bench --workload NAME` runs.
///
/// Workload definitions are shared with `bench/pytorch_peer.py`, which must measure exactly the
/// same thing for the comparison to mean anything; change both together.
public struct Workload: Sendable {
  /// The name on the command line and in every record, e.g. "lenet5-train".
  public let name: String
  /// One line for listings.
  public let summary: String
  let body: @Sendable (BenchmarkSettings, (BenchmarkRecord) -> Void) throws -> Void

  public init(
    name: String, summary: String,
    body: @escaping @Sendable (BenchmarkSettings, (BenchmarkRecord) -> Void) throws -> Void
  ) {
    self.name = name
    self.summary = summary
    self.body = body
  }

  /// Runs the workload in this process, passing every figure to `emit` as soon as it is known,
  /// and finally this process's peak resident memory (metric "peak-rss").
  public func run(_ settings: BenchmarkSettings, emit: (BenchmarkRecord) -> Void) throws {
    try body(settings, emit)
    emit(
      BenchmarkRecord(
        workload: name, metric: "peak-rss", config: "", value: peakResidentMiB(), unit: "MiB",
        better: .lower))
  }
}

/// A workload name that is not in the catalogue.
public struct UnknownWorkloadError: Error, CustomStringConvertible {
  public let name: String
  public var description: String {
    "unknown workload \"\(name)\"; available: \(Workloads.all.map(\.name).joined(separator: ", "))"
  }
}

/// The catalogue of workloads, in the order `convnet bench` runs them.
public enum Workloads {
  public static let all: [Workload] = [
    leNet5Train, leNet5Inference, resNet18CIFARTrain, resNet18Inference, convolution, gemm, lstm,
    resNet50Inference, mobileNetV2Inference, resNet18ONNXInference, resNet50ONNXInference,
    mobileNetV2ONNXInference,
  ]

  public static func named(_ name: String) throws -> Workload {
    guard let found = all.first(where: { $0.name == name.lowercased() }) else {
      throw UnknownWorkloadError(name: name)
    }
    return found
  }
}
