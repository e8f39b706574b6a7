import ConvNetKernels
import Foundation

/// One figure a benchmark produced, e.g. LeNet-5 training at batch 64: 9,512 images/s.
///
/// `convnet bench --json` prints one record per line; `bench/pytorch_peer.py` prints the same
/// keys for its frameworks, and `bench/compare.py` joins the two on (workload, metric, config).
public struct BenchmarkRecord: Codable, Equatable, Sendable {
  /// Whether a larger value is the better one (throughput) or a smaller one (latency, memory).
  public enum Direction: String, Codable, Sendable {
    case higher, lower
  }

  /// Who produced the figure: "convnet" here; "pytorch", "onnxruntime", "numpy" in the peer.
  public var framework: String
  /// The workload's name, e.g. "lenet5-train".
  public var workload: String
  /// What was measured, e.g. "train-throughput", "latency", "forward", "peak-rss".
  public var metric: String
  /// The shape of the measurement, e.g. "batch=64" or "m=512 k=512 n=512" ("" if none).
  public var config: String
  /// The figure, in `unit`.
  public var value: Double
  /// "images/s", "us", "ms", "GFLOP/s" or "MiB".
  public var unit: String
  /// Which way is better.
  public var better: Direction
  /// Worker threads the kernels used.
  public var threads: Int

  public init(
    workload: String, metric: String, config: String, value: Double, unit: String,
    better: Direction, framework: String = "convnet", threads: Int = Parallelism.threadCount
  ) {
    self.framework = framework
    self.workload = workload
    self.metric = metric
    self.config = config
    self.value = value
    self.unit = unit
    self.better = better
    self.threads = threads
  }

  /// The record as one line of JSON (keys sorted, no trailing newline).
  public var jsonLine: String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    // Values are finite by construction (timings are positive); a failure here is a bug.
    guard let data = try? encoder.encode(self) else {
      preconditionFailure("BenchmarkRecord: cannot encode \(workload) \(metric) value \(value)")
    }
    return String(decoding: data, as: UTF8.self)
  }

  /// Parses a line written by `jsonLine` (or by the PyTorch peer).
  public init(jsonLine: String) throws {
    self = try JSONDecoder().decode(BenchmarkRecord.self, from: Data(jsonLine.utf8))
  }
}
