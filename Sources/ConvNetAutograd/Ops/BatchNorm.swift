import ConvNetKernels
import ConvNetTensor

/// The running statistics a batch-norm layer keeps between calls.
public struct BatchNormStatistics {
  public var runningMean: Tensor
  public var runningVariance: Tensor
  /// The number of training batches seen (PyTorch's `num_batches_tracked`).
  public var batchesTracked: Int

  public init(channels: Int) {
    runningMean = Tensor.zeros([channels])
    runningVariance = Tensor.ones([channels])
    batchesTracked = 0
  }
}

/// Batch normalisation over [N, C] or [N, C, …] (statistics per channel C), as PyTorch:
/// training normalises with the batch mean and biased variance and updates the running
/// statistics with `momentum` (running = (1−m)·running + m·batch, the variance unbiased);
/// evaluation normalises with the running statistics. y = γ·(x − μ)/√(σ² + ε) + β.
///
/// The arithmetic is `batchNorm2DForward` / `batchNorm2DBackward` (ConvNetKernels).
public func batchNorm(
  _ input: Variable, weight: Variable?, bias: Variable?, statistics: inout BatchNormStatistics,
  training: Bool, momentum: Float = 0.1, epsilon: Float = 1e-5
) -> Variable {
  let x = input.value
  precondition(x.rank >= 2, "batchNorm: expects [N, C, …], got \(x.shape)")
  let layout = BatchNormLayout(shape: x.shape)
  let channels = layout.channels
  precondition(
    statistics.runningMean.count == channels,
    "batchNorm: input has \(channels) channels, statistics have \(statistics.runningMean.count)")
  precondition(
    !training || layout.valuesPerChannel > 1,
    "batchNorm: training needs more than one value per channel, got input \(x.shape)")

  let gamma = weight?.value
  let beta = bias?.value
  let output = Tensor(uninitializedShape: x.shape)
  var mean = [Float](repeating: 0, count: channels)
  var inverseStd = [Float](repeating: 0, count: channels)
  func forward(_ runningMean: UnsafeMutablePointer<Float>, _ runningVariance: UnsafeMutablePointer<Float>) {
    batchNorm2DForward(
      input: x.storage.pointer, weight: gamma.map { UnsafePointer($0.storage.pointer) },
      bias: beta.map { UnsafePointer($0.storage.pointer) }, runningMean: runningMean,
      runningVariance: runningVariance, savedMean: &mean, savedInverseStd: &inverseStd,
      output: output.storage.pointer, training: training, momentum: momentum, epsilon: epsilon,
      layout: layout)
  }
  if training {
    // The running statistics are written: through the copy-on-write accessors.
    statistics.runningMean.withUnsafeMutableBufferPointer { runningMean in
      statistics.runningVariance.withUnsafeMutableBufferPointer { runningVariance in
        forward(runningMean.baseAddress!, runningVariance.baseAddress!)
      }
    }
    statistics.batchesTracked += 1
  } else {
    // Evaluation only reads them.
    forward(statistics.runningMean.storage.pointer, statistics.runningVariance.storage.pointer)
  }

  var inputs = [input]
  if let weight { inputs.append(weight) }
  if let bias { inputs.append(bias) }
  let saved = (mean, inverseStd)
  return Variable.makeOutput(output, name: "batch_norm", inputs: inputs) { gradient in
    let (mean, inverseStd) = saved
    let gradInput = input.requiresGrad ? Tensor(uninitializedShape: x.shape) : nil
    let gradWeight = weight.map { _ in Tensor(uninitializedShape: [channels]) }
    let gradBias = bias.map { _ in Tensor(uninitializedShape: [channels]) }
    batchNorm2DBackward(
      gradOutput: gradient.storage.pointer, input: x.storage.pointer, savedMean: mean,
      savedInverseStd: inverseStd, weight: gamma.map { UnsafePointer($0.storage.pointer) },
      gradInput: gradInput?.storage.pointer, gradWeight: gradWeight?.storage.pointer,
      gradBias: gradBias?.storage.pointer, training: training, layout: layout)
    var gradients: [Tensor?] = [gradInput]
    if weight != nil { gradients.append(gradWeight) }
    if bias != nil { gradients.append(gradBias) }
    return gradients
  }
}
