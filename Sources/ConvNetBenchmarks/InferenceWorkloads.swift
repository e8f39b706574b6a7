import ConvNetAutograd
import ConvNetModels
import ConvNetNN
import ConvNetTensor

extension Workloads {
  /// `resnet50-infer`: the catalogue's `resnet50` (torchvision's layout, 1,000 classes), measured
  /// as `resnet18-infer` is (see `catalogueInference`).
  public static let resNet50Inference = catalogueInference(
    workload: "resnet50-infer", architecture: "resnet50", title: "ResNet-50 (torchvision)")

  /// `mobilenet_v2-infer`: the catalogue's `mobilenet_v2` (torchvision's, 1,000 classes),
  /// measured as `resnet18-infer` is (see `catalogueInference`).
  public static let mobileNetV2Inference = catalogueInference(
    workload: "mobilenet_v2-infer", architecture: "mobilenet_v2", title: "MobileNetV2 (torchvision)")

  /// Inference of a catalogue network in evaluation mode without gradients (so prepared: batch
  /// norm folded, weights packed once, see `PreparedInference`) on N(0, 1) images of 3×224×224:
  /// batch-1 latency (median of 30 runs after 3 warm-up runs, ms) and batch-16 throughput
  /// (median of 5 runs after 1 warm-up run, images/s). The warm-up runs include the first call,
  /// which prepares the weights. bench/pytorch_peer.py measures the same network in PyTorch
  /// eager and in ONNX Runtime.
  static func catalogueInference(workload: String, architecture name: String, title: String)
    -> Workload
  {
    Workload(
      name: workload,
      summary: "\(title) inference at 224×224: batch-1 latency (ms), batch-16 (images/s)"
    ) { settings, emit in
      // Quick mode shrinks the image to 64×64 so that even a debug build finishes in seconds.
      let side = settings.quick ? 64 : 224
      let architecture = try Architectures.named(name)
      let model = RandomSource.withSeed(1) {
        architecture.build(inputChannels: 3, classCount: 1_000)
      }
      model.eval()
      var generator = SeededGenerator(seed: 4)
      let single = Variable(Tensor.randomNormal([1, 3, side, side], using: &generator))
      let latencies = withoutGradients {
        Stopwatch.samples(warmUp: settings.quick ? 1 : 3, repeats: settings.quick ? 2 : 30) {
          _ = model(single)
        }
      }
      emit(
        BenchmarkRecord(
          workload: workload, metric: "latency", config: "batch=1 size=\(side)",
          value: median(latencies) * 1e3, unit: "ms", better: .lower))

      let batchSize = settings.quick ? 2 : 16
      let batch = Variable(Tensor.randomNormal([batchSize, 3, side, side], using: &generator))
      let times = withoutGradients {
        Stopwatch.samples(warmUp: 1, repeats: settings.quick ? 1 : 5) { _ = model(batch) }
      }
      emit(
        BenchmarkRecord(
          workload: workload, metric: "throughput", config: "batch=\(batchSize) size=\(side)",
          value: Double(batchSize) / median(times), unit: "images/s", better: .higher))
    }
  }
}
