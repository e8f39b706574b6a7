import ConvNetAutograd
import ConvNetNN
import ConvNetTensor

extension Workloads {
  /// `lstm`: one LSTM layer (`LSTM(inputSize: 256, hiddenSize: 256)`, time-major) over a batch
  /// of 64 sequences of 50 steps of N(0, 1) features: the forward pass in evaluation mode
  /// without gradients, and forward + backward (the output's gradient all ones, so every
  /// parameter and the input get gradients; no optimiser step). Sequences per second from the
  /// median of 10 timed runs after 2 warm-up runs.
  public static let lstm = Workload(
    name: "lstm", summary: "LSTM 256→256, batch 64 × 50 steps: forward (eval) and forward+backward (sequences/s)"
  ) { settings, emit in
    let (batch, steps, size) = settings.quick ? (4, 5, 16) : (64, 50, 256)
    let config = "batch=\(batch) steps=\(steps) input=\(size) hidden=\(size)"
    var generator = SeededGenerator(seed: 14)
    let input = Tensor.randomNormal([steps, batch, size], using: &generator)
    let model = RandomSource.withSeed(1) { LSTM(inputSize: size, hiddenSize: size) }
    let repeats = settings.quick ? 2 : 10

    model.eval()
    let forwardTimes = withoutGradients {
      Stopwatch.samples(warmUp: 2, repeats: repeats) { _ = model(Variable(input)) }
    }
    emit(
      BenchmarkRecord(
        workload: "lstm", metric: "infer-throughput", config: config,
        value: Double(batch) / median(forwardTimes), unit: "sequences/s", better: .higher))

    model.train()
    let x = Variable(input, requiresGrad: true)
    let ones = Tensor(shape: [steps, batch, size], repeating: 1)
    let trainTimes = Stopwatch.samples(warmUp: 2, repeats: repeats) {
      for parameter in model.parameters { parameter.grad = nil }
      x.grad = nil
      model(x).backward(gradient: ones)
    }
    emit(
      BenchmarkRecord(
        workload: "lstm", metric: "train-throughput", config: config,
        value: Double(batch) / median(trainTimes), unit: "sequences/s", better: .higher))
  }
}
