/// Batch normalisation forward, as PyTorch: y = γ·(x − μ)·invStd + β per channel, with
/// invStd = 1/√(σ² + ε).
///
/// Training takes μ and the biased σ² from the batch and updates the running statistics in
/// place: running = (1 − momentum)·running + momentum·batch, the variance unbiased
/// (× M/(M − 1), M = `layout.valuesPerChannel`, which must exceed 1). Evaluation takes μ and σ²
/// from the running statistics and leaves them alone. Either way the μ and invStd used are
/// written to `savedMean` and `savedInverseStd` ([C] each) for `batchNorm2DBackward`.
/// `weight` (γ) and `bias` (β) are [C] or nil (γ = 1, β = 0). Every output is overwritten.
///
/// The stages (`batchNorm2DChannelSums` → `batchNorm2DBatchStatistics` or
/// `batchNorm2DRunningStatistics` → `batchNorm2DNormalize`) are public so that synchronised
/// batch norm can add the sums of other processes between the first two, as PyTorch's
/// SyncBatchNorm does.
public func batchNorm2DForward(
  input: UnsafePointer<Float>, weight: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
  runningMean: UnsafeMutablePointer<Float>, runningVariance: UnsafeMutablePointer<Float>,
  savedMean: UnsafeMutablePointer<Float>, savedInverseStd: UnsafeMutablePointer<Float>,
  output: UnsafeMutablePointer<Float>, training: Bool, momentum: Float, epsilon: Float,
  layout: BatchNormLayout
) {
  if training {
    var sums = [Double](repeating: 0, count: 2 * layout.channels)
    batchNorm2DChannelSums(input: input, sums: &sums, layout: layout)
    batchNorm2DBatchStatistics(
      sums: sums, count: layout.valuesPerChannel, channels: layout.channels, momentum: momentum,
      epsilon: epsilon, runningMean: runningMean, runningVariance: runningVariance,
      savedMean: savedMean, savedInverseStd: savedInverseStd)
  } else {
    batchNorm2DRunningStatistics(
      runningMean: runningMean, runningVariance: runningVariance, channels: layout.channels,
      epsilon: epsilon, savedMean: savedMean, savedInverseStd: savedInverseStd)
  }
  batchNorm2DNormalize(
    input: input, mean: savedMean, inverseStd: savedInverseStd, weight: weight, bias: bias,
    output: output, layout: layout)
}

/// Σx per channel into `sums[0..<C]` and Σx² into `sums[C..<2C]`, in Double across planes (8
/// SIMD lanes within a plane), in parallel over channels.
public func batchNorm2DChannelSums(
  input: UnsafePointer<Float>, sums: UnsafeMutablePointer<Double>, layout: BatchNormLayout
) {
  let (batch, channels, spatial) = (layout.batch, layout.channels, layout.spatial)
  parallelChunks(channels) { range in
    for c in range {
      var sum = 0.0
      var sumSquares = 0.0
      for n in 0..<batch {
        let (partial, partialSquares) = planeSums(input + (n * channels + c) * spatial, count: spatial)
        sum += Double(partial)
        sumSquares += Double(partialSquares)
      }
      sums[c] = sum
      sums[channels + c] = sumSquares
    }
  }
}

/// Training statistics from the channel sums over `count` values per channel (count > 1): μ and
/// invStd = 1/√(σ² + ε) with the biased σ² = Σx²/count − μ², into `savedMean`/`savedInverseStd`;
/// the running statistics move by `momentum`, the variance unbiased (× count/(count − 1)).
public func batchNorm2DBatchStatistics(
  sums: UnsafePointer<Double>, count: Int, channels: Int, momentum: Float, epsilon: Float,
  runningMean: UnsafeMutablePointer<Float>, runningVariance: UnsafeMutablePointer<Float>,
  savedMean: UnsafeMutablePointer<Float>, savedInverseStd: UnsafeMutablePointer<Float>
) {
  precondition(count > 1, "batchNorm2DBatchStatistics: training needs more than one value per channel")
  let correction = Float(count) / Float(count - 1)
  for c in 0..<channels {
    let m = sums[c] / Double(count)
    let variance = Float(max(0, sums[channels + c] / Double(count) - m * m))
    savedMean[c] = Float(m)
    runningMean[c] = (1 - momentum) * runningMean[c] + momentum * savedMean[c]
    runningVariance[c] = (1 - momentum) * runningVariance[c] + momentum * variance * correction
    savedInverseStd[c] = 1 / (variance + epsilon).squareRoot()
  }
}

/// Evaluation statistics: μ = running mean, invStd = 1/√(running variance + ε).
public func batchNorm2DRunningStatistics(
  runningMean: UnsafePointer<Float>, runningVariance: UnsafePointer<Float>, channels: Int,
  epsilon: Float, savedMean: UnsafeMutablePointer<Float>, savedInverseStd: UnsafeMutablePointer<Float>
) {
  for c in 0..<channels {
    savedMean[c] = runningMean[c]
    savedInverseStd[c] = 1 / (runningVariance[c] + epsilon).squareRoot()
  }
}

/// y = γ·(x − μ)·invStd + β, folded into y = x·scale + shift per channel: one vectorisable pass
/// per plane, in parallel over planes.
public func batchNorm2DNormalize(
  input: UnsafePointer<Float>, mean: UnsafePointer<Float>, inverseStd: UnsafePointer<Float>,
  weight: UnsafePointer<Float>?, bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
  layout: BatchNormLayout
) {
  let (channels, spatial) = (layout.channels, layout.spatial)
  parallelChunks(layout.batch * channels) { range in
    for plane in range {
      let c = plane % channels
      let g = weight?[c] ?? 1
      let scale = inverseStd[c] * g
      let shift = (bias?[c] ?? 0) - mean[c] * scale
      let source = input + plane * spatial
      let target = output + plane * spatial
      for s in 0..<spatial { target[s] = source[s] * scale + shift }
    }
  }
}

/// Batch normalisation backward, given the forward's input and its saved μ and invStd.
///
/// With x̂ = (x − μ)·invStd: dβ = Σ dy and dγ = Σ dy·x̂ per channel (written when the pointers
/// are not nil). The input gradient (when `gradInput` is not nil) is, in training, where μ and
/// σ² depend on x, dx = γ·invStd/M · (M·dy − Σdy − x̂·Σ(dy·x̂)); in evaluation dx = γ·invStd·dy.
///
/// Stages: `batchNorm2DGradientSums` → `batchNorm2DBackwardInput` (synchronised batch norm adds
/// the other processes' sums, and counts, between them).
public func batchNorm2DBackward(
  gradOutput: UnsafePointer<Float>, input: UnsafePointer<Float>,
  savedMean: UnsafePointer<Float>, savedInverseStd: UnsafePointer<Float>,
  weight: UnsafePointer<Float>?, gradInput: UnsafeMutablePointer<Float>?,
  gradWeight: UnsafeMutablePointer<Float>?, gradBias: UnsafeMutablePointer<Float>?,
  training: Bool, layout: BatchNormLayout
) {
  var sumGradient = [Float](repeating: 0, count: layout.channels)
  var sumGradientXHat = [Float](repeating: 0, count: layout.channels)
  batchNorm2DGradientSums(
    gradOutput: gradOutput, input: input, savedMean: savedMean, savedInverseStd: savedInverseStd,
    sumGradient: &sumGradient, sumGradientXHat: &sumGradientXHat, layout: layout)
  if let gradInput {
    batchNorm2DBackwardInput(
      gradOutput: gradOutput, input: input, savedMean: savedMean, savedInverseStd: savedInverseStd,
      weight: weight, sumGradient: sumGradient, sumGradientXHat: sumGradientXHat,
      count: layout.valuesPerChannel, gradInput: gradInput, training: training, layout: layout)
  }
  if let gradWeight { gradWeight.update(from: sumGradientXHat, count: layout.channels) }
  if let gradBias { gradBias.update(from: sumGradient, count: layout.channels) }
}

/// Per channel Σ dy (= dβ) and Σ dy·x̂ (= dγ), x̂ = (x − μ)·invStd: 8 SIMD lanes per plane, in
/// Double across planes, in parallel over channels.
public func batchNorm2DGradientSums(
  gradOutput: UnsafePointer<Float>, input: UnsafePointer<Float>,
  savedMean: UnsafePointer<Float>, savedInverseStd: UnsafePointer<Float>,
  sumGradient: UnsafeMutablePointer<Float>, sumGradientXHat: UnsafeMutablePointer<Float>,
  layout: BatchNormLayout
) {
  let (batch, channels, spatial) = (layout.batch, layout.channels, layout.spatial)
  parallelChunks(channels) { range in
    for c in range {
      var a = 0.0
      var b = 0.0
      for n in 0..<batch {
        let offset = (n * channels + c) * spatial
        let (partialA, partialB) = planeGradientSums(
          gradOutput + offset, input + offset, mean: savedMean[c], count: spatial)
        a += Double(partialA)
        b += Double(partialB)
      }
      sumGradient[c] = Float(a)
      sumGradientXHat[c] = Float(b) * savedInverseStd[c]
    }
  }
}

/// The input gradient from the channel sums over `count` values per channel (training:
/// dx = γ·invStd/count · (count·dy − Σdy − x̂·Σ(dy·x̂)); evaluation: dx = γ·invStd·dy, the sums
/// unused). One vectorisable pass per plane, dx = a·dy + b·x + d with per-channel a, b, d.
public func batchNorm2DBackwardInput(
  gradOutput: UnsafePointer<Float>, input: UnsafePointer<Float>,
  savedMean: UnsafePointer<Float>, savedInverseStd: UnsafePointer<Float>,
  weight: UnsafePointer<Float>?, sumGradient: UnsafePointer<Float>,
  sumGradientXHat: UnsafePointer<Float>, count: Int, gradInput: UnsafeMutablePointer<Float>,
  training: Bool, layout: BatchNormLayout
) {
  let (channels, spatial) = (layout.channels, layout.spatial)
  let (dy, x, mean, inverseStd) = (gradOutput, input, savedMean, savedInverseStd)
  let count = Float(count)
  parallelChunks(layout.batch * channels) { range in
    for plane in range {
      let c = plane % channels
      let g = weight?[c] ?? 1
      let offset = plane * spatial
      if training {
        // dx = γ·invStd/M · (M·dy − Σdy − x̂·Σ(dy·x̂)) with x̂ = (x − μ)·invStd, i.e.
        // dx = a·dy + b·x + d per channel (one vectorisable pass).
        let k = g * inverseStd[c] / count
        let a = k * count
        let b = -k * inverseStd[c] * sumGradientXHat[c]
        let d = -k * sumGradient[c] - b * mean[c]
        let (dyPlane, xPlane) = (dy + offset, x + offset)
        let dxPlane = gradInput + offset
        for s in 0..<spatial { dxPlane[s] = a * dyPlane[s] + b * xPlane[s] + d }
      } else {
        let k = g * inverseStd[c]
        for s in 0..<spatial { gradInput[offset + s] = k * dy[offset + s] }
      }
    }
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
