import ConvNetAutograd
import ConvNetModels
import ConvNetNN
import ConvNetONNX
import ConvNetTensor
import Foundation

extension Workloads {
  /// `resnet18-onnx-infer`: `resnet18-infer`'s network exported by ConvNet (`ONNXExport`, dynamic
  /// batch) and run from the file by the importer (`ONNXGraphModule`), measured as
  /// `resnet18-infer` is.
  public static let resNet18ONNXInference = onnxInference(
    workload: "resnet18-onnx-infer", architecture: "resnet18", title: "ResNet-18")
  /// `resnet50-onnx-infer`: `resnet50-infer`'s network from its ONNX file.
  public static let resNet50ONNXInference = onnxInference(
    workload: "resnet50-onnx-infer", architecture: "resnet50", title: "ResNet-50")
  /// `mobilenet_v2-onnx-infer`: `mobilenet_v2-infer`'s network from its ONNX file.
  public static let mobileNetV2ONNXInference = onnxInference(
    workload: "mobilenet_v2-onnx-infer", architecture: "mobilenet_v2", title: "MobileNetV2")

  /// The workloads whose network has an ONNX file, and the catalogue architecture it is
  /// exported from: the catalogue inference workloads (whose ONNX Runtime peer runs that file)
  /// and the `-onnx-infer` workloads (which ConvNet runs from it too).
  public static let onnxArchitectures: [String: String] = [
    "resnet18-infer": "resnet18", "resnet50-infer": "resnet50", "mobilenet_v2-infer": "mobilenet_v2",
    "resnet18-onnx-infer": "resnet18", "resnet50-onnx-infer": "resnet50",
    "mobilenet_v2-onnx-infer": "mobilenet_v2",
  ]

  /// Where workload `name`'s ONNX file lives in `directory`: `directory/name.onnx`.
  public static func onnxFile(workload name: String, in directory: URL) -> URL {
    directory.appendingPathComponent("\(name).onnx")
  }

  /// The side of the square images an inference workload measures: 224, or 64 in quick mode.
  static func inferenceSide(_ settings: BenchmarkSettings) -> Int { settings.quick ? 64 : 224 }

  /// The seeded catalogue network an inference workload measures (seed 1, 1,000 classes), in
  /// evaluation mode.
  static func inferenceModel(architecture name: String) throws -> any Module {
    let architecture = try Architectures.named(name)
    let model = RandomSource.withSeed(1) { architecture.build(inputChannels: 3, classCount: 1_000) }
    model.eval()
    return model
  }

  /// Writes workload `name`'s network, exported by `ONNXExport` as `convnet export` does (dynamic
  /// batch, default opset, images of the workload's size), to `onnxFile(workload:in:)`
  /// (atomically). The file depends only on the architecture and the image size, so a
  /// catalogue workload and its `-onnx-infer` twin write the same bytes.
  ///
  /// - Throws: `UnknownWorkloadError` when the workload has no ONNX file; the exporter's or the
  ///   file system's error otherwise.
  public static func writeONNX(workload name: String, settings: BenchmarkSettings, to directory: URL)
    throws
  {
    guard let architecture = onnxArchitectures[name] else { throw UnknownWorkloadError(name: name) }
    let side = inferenceSide(settings)
    let model = try inferenceModel(architecture: architecture)
    let onnx = try ONNXExport.export(model, inputShape: [3, side, side], graphName: architecture)
    try ONNXModelFile.write(onnx, to: onnxFile(workload: name, in: directory))
  }

  /// An inference workload run from the ONNX file `writeONNX` made (in a separate process, so
  /// that the exporter's memory is not this workload's): the importer's `ONNXGraphModule`, whose
  /// Conv runs take the prepared path as the catalogue network's layers do, timed exactly as
  /// `catalogueInference` times the catalogue network. Peak memory includes reading the file.
  static func onnxInference(workload: String, architecture: String, title: String) -> Workload {
    Workload(
      name: workload,
      summary: "\(title) from ConvNet's ONNX export at 224×224: batch-1 latency (ms), batch-16 (images/s)"
    ) { settings, emit in
      guard let directory = settings.onnxDirectory else {
        throw BenchmarkSetupError(description: "\(workload) reads its ONNX file from a directory; none was given")
      }
      let url = onnxFile(workload: workload, in: directory)
      guard FileManager.default.fileExists(atPath: url.path) else {
        throw BenchmarkSetupError(description: "\(workload): \(url.path) does not exist (write it first)")
      }
      let module = try ONNXGraphModule(contentsOf: url)
      module.eval()
      try measureInference(workload: workload, settings: settings, emit: emit) { input in
        _ = try module.evaluate(input)
      }
    }
  }

  /// The timing every 224² inference workload shares: batch-1 latency (median of 30 runs after
  /// 3 warm-up runs, ms) and batch-16 throughput (median of 5 runs after 1 warm-up run,
  /// images/s) of `run` on N(0, 1) images (seed 4), without gradients. The warm-up runs include
  /// the first call, which prepares the weights. Quick mode: 64×64, batch 2, fewer runs.
  static func measureInference(
    workload: String, settings: BenchmarkSettings, emit: (BenchmarkRecord) -> Void,
    run: (Variable) throws -> Void
  ) throws {
    let side = inferenceSide(settings)
    var generator = SeededGenerator(seed: 4)
    let single = Variable(Tensor.randomNormal([1, 3, side, side], using: &generator))
    var failure: Error?
    func attempt(_ input: Variable) {
      guard failure == nil else { return }
      do { try run(input) } catch { failure = error }
    }
    let latencies = withoutGradients {
      Stopwatch.samples(warmUp: settings.quick ? 1 : 3, repeats: settings.quick ? 2 : 30) {
        attempt(single)
      }
    }
    if let failure { throw failure }
    emit(
      BenchmarkRecord(
        workload: workload, metric: "latency", config: "batch=1 size=\(side)",
        value: median(latencies) * 1e3, unit: "ms", better: .lower))

    let batchSize = settings.quick ? 2 : 16
    let batch = Variable(Tensor.randomNormal([batchSize, 3, side, side], using: &generator))
    let times = withoutGradients {
      Stopwatch.samples(warmUp: 1, repeats: settings.quick ? 1 : 5) { attempt(batch) }
    }
    if let failure { throw failure }
    emit(
      BenchmarkRecord(
        workload: workload, metric: "throughput", config: "batch=\(batchSize) size=\(side)",
        value: Double(batchSize) / median(times), unit: "images/s", better: .higher))
  }
}

/// A workload that cannot start: what it needs and did not get.
public struct BenchmarkSetupError: Error, CustomStringConvertible {
  public let description: String
}
