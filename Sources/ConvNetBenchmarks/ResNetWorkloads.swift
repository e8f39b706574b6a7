import ConvNetAutograd
import ConvNetModels
import ConvNetNN
import ConvNetTensor

extension Workloads {
  /// `resnet18-cifar-train`: ResNet-18 with the CIFAR stem (`ResNet(depth: .resNet18, stem: .cifar)`) on synthetic 3×32×32 images (N(0, 1) pixels,
  /// uniform random labels; CIFAR-10 is not bundled and the data do not change the work),
  /// batch 128, SGD lr 0.01 momentum 0.9: forward, cross-entropy, backward, step. Images per
  /// second from the median of 10 timed steps after 2 warm-up steps.
  public static let resNet18CIFARTrain = Workload(
    name: "resnet18-cifar-train",
    summary: "ResNet-18 (CIFAR stem) training step at batch 128 on 32×32 inputs (images/s)"
  ) { settings, emit in
    let batchSize = settings.quick ? 4 : 128
    var generator = SeededGenerator(seed: 3)
    let images = Tensor.randomNormal([batchSize, 3, 32, 32], using: &generator)
    let labels = (0..<batchSize).map { _ in Int(generator.next() % 10) }
    let model = RandomSource.withSeed(1) { ResNet(depth: .resNet18, classCount: 10, stem: .cifar) }
    model.train()
    let optimizer = SGD(parameters: model.parameters, learningRate: 0.01, momentum: 0.9)
    let times = Stopwatch.samples(warmUp: settings.quick ? 1 : 2, repeats: settings.quick ? 2 : 10) {
      let loss = crossEntropy(logits: model(Variable(images)), labels: labels)
      optimizer.zeroGradients()
      loss.backward()
      optimizer.step()
    }
    emit(
      BenchmarkRecord(
        workload: "resnet18-cifar-train", metric: "train-throughput", config: "batch=\(batchSize)",
        value: Double(batchSize) / median(times), unit: "images/s", better: .higher))
  }

  /// `resnet18-infer`: the catalogue's `resnet18` (torchvision's, 1,000 classes), measured by
  /// `catalogueInference` (batch-1 latency, batch-16 throughput at 224×224).
  public static let resNet18Inference = catalogueInference(
    workload: "resnet18-infer", architecture: "resnet18", title: "ResNet-18 (torchvision)")
}
