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
/// The arithmetic is the stages of `batchNorm2DForward` / `batchNorm2DBackward` (ConvNetKernels).
/// While `BatchNormSynchronization.reducer` is set, training normalises with the statistics of
/// the global batch (sync BN): the reducer sums the channel sums and counts over all processes
/// between the stages.
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
  let reducer = training ? BatchNormSynchronization.reducer : nil
  var count = layout.valuesPerChannel

  // The tensors, not their pointers, are kept for the backward: they keep the memory alive.
  let gamma = weight?.value
  let beta = bias?.value
  var output = Tensor(uninitializedShape: x.shape)
  var mean = [Float](repeating: 0, count: channels)
  var inverseStd = [Float](repeating: 0, count: channels)
  if training {
    var sums = [Double](repeating: 0, count: 2 * channels)
    batchNorm2DChannelSums(input: x.readOnlyElements, sums: &sums, layout: layout)
    if let reducer {
      // Σx, Σx² and the value count of the global batch.
      sums.append(Double(count))
      reducer.sumAcrossProcesses(&sums)
      count = Int(sums.removeLast())
    }
    // The running statistics are written: through the copy-on-write accessors.
    statistics.runningMean.withUnsafeMutableBufferPointer { runningMean in
      statistics.runningVariance.withUnsafeMutableBufferPointer { runningVariance in
        batchNorm2DBatchStatistics(
          sums: sums, count: count, channels: channels, momentum: momentum,
          epsilon: epsilon, runningMean: runningMean.baseAddress!,
          runningVariance: runningVariance.baseAddress!, savedMean: &mean, savedInverseStd: &inverseStd)
      }
    }
    statistics.batchesTracked += 1
  } else {
    batchNorm2DRunningStatistics(
      runningMean: statistics.runningMean.readOnlyElements,
      runningVariance: statistics.runningVariance.readOnlyElements, channels: channels,
      epsilon: epsilon, savedMean: &mean, savedInverseStd: &inverseStd)
  }
  batchNorm2DNormalize(
    input: x.readOnlyElements, mean: mean, inverseStd: inverseStd,
    weight: gamma?.readOnlyElements, bias: beta?.readOnlyElements, output: output.uniqueElements(),
    layout: layout)

  var inputs = [input]
  if let weight { inputs.append(weight) }
  if let bias { inputs.append(bias) }
  let saved = (mean, inverseStd, count)
  return Variable.makeOutput(
    output, name: "batch_norm", inputs: inputs,
    traced: .batchNorm(
      runningMean: statistics.runningMean, runningVariance: statistics.runningVariance,
      epsilon: epsilon, training: training, hasWeight: weight != nil, hasBias: bias != nil)
  ) { gradient in
    let (mean, inverseStd, count) = saved
    var gradWeight = Tensor(uninitializedShape: [channels])  // Σ dy·x̂
    var gradBias = Tensor(uninitializedShape: [channels])  // Σ dy
    batchNorm2DGradientSums(
      gradOutput: gradient.readOnlyElements, input: x.readOnlyElements, savedMean: mean,
      savedInverseStd: inverseStd, sumGradient: gradBias.uniqueElements(),
      sumGradientXHat: gradWeight.uniqueElements(), layout: layout)
    var gradInput: Tensor?
    if input.requiresGrad {
      var dx = Tensor(uninitializedShape: x.shape)
      // Sync BN: dx needs the global batch's sums; the weight and bias gradients keep this one's.
      var sumGradient = gradBias.scalars
      var sumGradientXHat = gradWeight.scalars
      if let reducer {
        var sums = (sumGradient + sumGradientXHat).map(Double.init)
        reducer.sumAcrossProcesses(&sums)
        sumGradient = sums[..<channels].map { Float($0) }
        sumGradientXHat = sums[channels...].map { Float($0) }
      }
      batchNorm2DBackwardInput(
        gradOutput: gradient.readOnlyElements, input: x.readOnlyElements, savedMean: mean,
        savedInverseStd: inverseStd, weight: gamma?.readOnlyElements,
        sumGradient: sumGradient, sumGradientXHat: sumGradientXHat, count: count,
        gradInput: dx.uniqueElements(), training: training, layout: layout)
      gradInput = dx
    }
    var gradients: [Tensor?] = [gradInput]
    if weight != nil { gradients.append(gradWeight) }
    if bias != nil { gradients.append(gradBias) }
    return gradients
  }
}
