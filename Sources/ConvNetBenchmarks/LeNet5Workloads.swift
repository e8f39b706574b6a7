import ConvNetAutograd
import ConvNetModels
import ConvNetNN
import ConvNetTensor

extension Workloads {
  /// `lenet5-train`: LeNet-5 (`LeNet5()`), SGD lr 0.01 momentum 0.9, one pass over the bundled
  /// MNIST training images held in memory (see `MNISTBatches`): forward, cross-entropy,
  /// backward, step. Images per second at batch 64 and at batch 256, each with a fresh model
  /// after 10 untimed warm-up steps.
  public static let leNet5Train = Workload(
    name: "lenet5-train",
    summary: "LeNet-5 on MNIST, SGD momentum: one pass at batch 64 and 256 (images/s)"
  ) { settings, emit in
    for batchSize in [64, 256] {
      let batches = try MNISTBatches(
        split: .train, batchSize: batchSize, limit: settings.quick ? 4 * batchSize : .max)
      let rate = leNet5TrainingRate(batches, warmUpSteps: settings.quick ? 1 : 10)
      emit(
        BenchmarkRecord(
          workload: "lenet5-train", metric: "train-throughput", config: "batch=\(batchSize)",
          value: rate, unit: "images/s", better: .higher))
    }
  }

  /// Images per second of one timed pass over `batches` (after `warmUpSteps` untimed steps on
  /// the first batches).
  static func leNet5TrainingRate(_ batches: MNISTBatches, warmUpSteps: Int) -> Double {
    let model = RandomSource.withSeed(1) { LeNet5() }
    model.train()
    let optimizer = SGD(parameters: model.parameters, learningRate: 0.01, momentum: 0.9)
    func step(_ index: Int) {
      let logits = model(Variable(batches.images[index]))
      let loss = crossEntropy(logits: logits, labels: batches.labels[index])
      optimizer.zeroGradients()
      loss.backward()
      optimizer.step()
    }
    for index in 0..<warmUpSteps { step(index % batches.images.count) }
    let seconds = Stopwatch.seconds {
      for index in batches.images.indices { step(index) }
    }
    return Double(batches.imageCount) / seconds
  }

  /// `lenet5-infer`: LeNet-5 in evaluation mode without gradients on MNIST test images:
  /// batch-1 latency (median of 2,000 runs after 200 warm-up runs, µs) and batch-1000
  /// throughput (median of 10 runs after 2 warm-up runs, images/s).
  public static let leNet5Inference = Workload(
    name: "lenet5-infer",
    summary: "LeNet-5 inference: batch-1 latency (µs) and batch-1000 throughput (images/s)"
  ) { settings, emit in
    let model = RandomSource.withSeed(1) { LeNet5() }
    model.eval()
    let single = Variable(try MNISTBatches(split: .test, batchSize: 1, limit: 1).images[0])
    let latencies = withoutGradients {
      Stopwatch.samples(warmUp: settings.quick ? 2 : 200, repeats: settings.quick ? 20 : 2_000) {
        _ = model(single)
      }
    }
    emit(
      BenchmarkRecord(
        workload: "lenet5-infer", metric: "latency", config: "batch=1",
        value: median(latencies) * 1e6, unit: "us", better: .lower))

    let batchSize = settings.quick ? 100 : 1_000
    let batch = Variable(try MNISTBatches(split: .test, batchSize: batchSize, limit: batchSize).images[0])
    let times = withoutGradients {
      Stopwatch.samples(warmUp: 2, repeats: settings.quick ? 2 : 10) { _ = model(batch) }
    }
    emit(
      BenchmarkRecord(
        workload: "lenet5-infer", metric: "throughput", config: "batch=\(batchSize)",
        value: Double(batchSize) / median(times), unit: "images/s", better: .higher))
  }
}
