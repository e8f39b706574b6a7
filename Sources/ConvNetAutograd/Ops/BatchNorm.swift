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
public func batchNorm(
  _ input: Variable, weight: Variable?, bias: Variable?, statistics: inout BatchNormStatistics,
  training: Bool, momentum: Float = 0.1, epsilon: Float = 1e-5
) -> Variable {
  let x = input.value
  precondition(x.rank >= 2, "batchNorm: expects [N, C, …], got \(x.shape)")
  let batch = x.shape[0]
  let channels = x.shape[1]
  let spatial = x.count / max(1, batch * channels)
  var perChannel = batch * spatial
  let reducer = training ? BatchNormSynchronization.reducer : nil
  precondition(
    statistics.runningMean.count == channels,
    "batchNorm: input has \(channels) channels, statistics have \(statistics.runningMean.count)")
  precondition(!training || perChannel > 1, "batchNorm: training needs more than one value per channel, got input \(x.shape)")

  var mean = [Float](repeating: 0, count: channels)
  var inverseStd = [Float](repeating: 0, count: channels)
  if training {
    var variance = [Float](repeating: 0, count: channels)
    // Σx per channel, then Σx², then (with a reducer) the value count.
    var sums = [Double](repeating: 0, count: 2 * channels)
    sums.withUnsafeMutableBufferPointer { sums in
      parallelChunks(channels) { range in
        for c in range {
          var sum = 0.0
          var sumSquares = 0.0
          for n in 0..<batch {
            let (partial, partialSquares) = planeSums(
              x.storage.pointer + (n * channels + c) * spatial, count: spatial)
            sum += Double(partial)
            sumSquares += Double(partialSquares)
          }
          sums[c] = sum
          sums[channels + c] = sumSquares
        }
      }
    }
    if let reducer {
      sums.append(Double(perChannel))
      reducer.sumAcrossProcesses(&sums)
      perChannel = Int(sums[2 * channels])
    }
    for c in 0..<channels {
      let m = sums[c] / Double(perChannel)
      mean[c] = Float(m)
      variance[c] = Float(max(0, sums[channels + c] / Double(perChannel) - m * m))
    }
    let correction = Float(perChannel) / Float(perChannel - 1)
    statistics.runningMean.withUnsafeMutableBufferPointer { running in
      for c in 0..<channels { running[c] = (1 - momentum) * running[c] + momentum * mean[c] }
    }
    statistics.runningVariance.withUnsafeMutableBufferPointer { running in
      for c in 0..<channels {
        running[c] = (1 - momentum) * running[c] + momentum * variance[c] * correction
      }
    }
    statistics.batchesTracked += 1
    for c in 0..<channels { inverseStd[c] = 1 / (variance[c] + epsilon).squareRoot() }
  } else {
    for c in 0..<channels {
      mean[c] = statistics.runningMean.storage.pointer[c]
      inverseStd[c] = 1 / (statistics.runningVariance.storage.pointer[c] + epsilon).squareRoot()
    }
  }

  // y = x̂·γ + β with x̂ = (x − μ)·invStd, folded into y = x·scale + shift per channel.
  let gamma = weight?.value
  let beta = bias?.value
  let output = Tensor(uninitializedShape: x.shape)
  parallelChunks(batch * channels) { range in
    for plane in range {
      let c = plane % channels
      let g = gamma?.storage.pointer[c] ?? 1
      let scale = inverseStd[c] * g
      let shift = (beta?.storage.pointer[c] ?? 0) - mean[c] * scale
      let source = x.storage.pointer + plane * spatial
      let target = output.storage.pointer + plane * spatial
      for s in 0..<spatial { target[s] = source[s] * scale + shift }
    }
  }

  var inputs = [input]
  if let weight { inputs.append(weight) }
  if let bias { inputs.append(bias) }
  let saved = (mean, inverseStd, perChannel)
  return Variable.makeOutput(output, name: "batch_norm", inputs: inputs) { gradient in
    let (mean, inverseStd, perChannel) = saved
    let dy = gradient.storage.pointer
    // Per-channel Σ dy and Σ dy·x̂.
    var sumGradient = [Float](repeating: 0, count: channels)
    var sumGradientXHat = [Float](repeating: 0, count: channels)
    sumGradient.withUnsafeMutableBufferPointer { sumGradient in
      sumGradientXHat.withUnsafeMutableBufferPointer { sumGradientXHat in
        parallelChunks(channels) { range in
          for c in range {
            var a = 0.0
            var b = 0.0
            for n in 0..<batch {
              let offset = (n * channels + c) * spatial
              let (partialA, partialB) = planeGradientSums(
                dy + offset, x.storage.pointer + offset, mean: mean[c], count: spatial)
              a += Double(partialA)
              b += Double(partialB)
            }
            sumGradient[c] = Float(a)
            sumGradientXHat[c] = Float(b) * inverseStd[c]
          }
        }
      }
    }
    // Sync BN: dx needs the global batch's sums; the weight and bias gradients keep this one's.
    var globalSumGradient = sumGradient
    var globalSumGradientXHat = sumGradientXHat
    if let reducer, input.requiresGrad {
      var sums = sumGradient.map(Double.init) + sumGradientXHat.map(Double.init)
      reducer.sumAcrossProcesses(&sums)
      globalSumGradient = sums[..<channels].map { Float($0) }
      globalSumGradientXHat = sums[channels...].map { Float($0) }
    }
    var gradients: [Tensor?] = []
    if input.requiresGrad {
      let dx = Tensor(uninitializedShape: x.shape)
      let count = Float(perChannel)
      parallelChunks(batch * channels) { range in
        for plane in range {
          let c = plane % channels
          let g = gamma?.storage.pointer[c] ?? 1
          let offset = plane * spatial
          if training {
            // dx = γ·invStd/M · (M·dy − Σdy − x̂·Σ(dy·x̂)) with x̂ = (x − μ)·invStd, i.e.
            // dx = a·dy + b·x + d per channel (one vectorisable pass).
            let k = g * inverseStd[c] / count
            let a = k * count
            let b = -k * inverseStd[c] * globalSumGradientXHat[c]
            let d = -k * globalSumGradient[c] - b * mean[c]
            let (dyPlane, xPlane) = (dy + offset, x.storage.pointer + offset)
            let dxPlane = dx.storage.pointer + offset
            for s in 0..<spatial { dxPlane[s] = a * dyPlane[s] + b * xPlane[s] + d }
          } else {
            let k = g * inverseStd[c]
            for s in 0..<spatial { dx.storage.pointer[offset + s] = k * dy[offset + s] }
          }
        }
      }
      gradients.append(dx)
    } else {
      gradients.append(nil)
    }
    if weight != nil { gradients.append(Tensor(shape: [channels], scalars: sumGradientXHat)) }
    if bias != nil { gradients.append(Tensor(shape: [channels], scalars: sumGradient)) }
    return gradients
  }
}

/// (Σ p[s], Σ p[s]²) over one plane, 8 lanes at a time (Swift does not reorder a scalar float
/// sum into vector lanes by itself; the order is fixed, so results are reproducible).
@inline(__always)
private func planeSums(_ p: UnsafePointer<Float>, count: Int) -> (Float, Float) {
  var sum = SIMD8<Float>(repeating: 0)
  var squares = SIMD8<Float>(repeating: 0)
  var s = 0
  while s + 8 <= count {
    let v = UnsafeRawPointer(p + s).loadUnaligned(as: SIMD8<Float>.self)
    sum += v
    squares += v * v
    s += 8
  }
  var total = sum.sum()
  var totalSquares = squares.sum()
  while s < count {
    total += p[s]
    totalSquares += p[s] * p[s]
    s += 1
  }
  return (total, totalSquares)
}

/// (Σ dy[s], Σ dy[s]·(x[s] − mean)) over one plane, 8 lanes at a time.
@inline(__always)
private func planeGradientSums(
  _ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, mean: Float, count: Int
) -> (Float, Float) {
  var sum = SIMD8<Float>(repeating: 0)
  var dot = SIMD8<Float>(repeating: 0)
  let m = SIMD8<Float>(repeating: mean)
  var s = 0
  while s + 8 <= count {
    let g = UnsafeRawPointer(dy + s).loadUnaligned(as: SIMD8<Float>.self)
    let v = UnsafeRawPointer(x + s).loadUnaligned(as: SIMD8<Float>.self)
    sum += g
    dot += g * (v - m)
    s += 8
  }
  var total = sum.sum()
  var totalDot = dot.sum()
  while s < count {
    total += dy[s]
    totalDot += dy[s] * (x[s] - mean)
    s += 1
  }
  return (total, totalDot)
}
