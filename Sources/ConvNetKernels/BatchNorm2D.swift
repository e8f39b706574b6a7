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
/// Speed: one parallel pass per channel gathers Σx and Σx² (8 SIMD lanes per plane, summed in
/// Double across planes), then one parallel pass per plane applies y = x·scale + shift.
public func batchNorm2DForward(
  input: UnsafePointer<Float>, weight: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
  runningMean: UnsafeMutablePointer<Float>, runningVariance: UnsafeMutablePointer<Float>,
  savedMean: UnsafeMutablePointer<Float>, savedInverseStd: UnsafeMutablePointer<Float>,
  output: UnsafeMutablePointer<Float>, training: Bool, momentum: Float, epsilon: Float,
  layout: BatchNormLayout
) {
  let (batch, channels, spatial) = (layout.batch, layout.channels, layout.spatial)
  let perChannel = layout.valuesPerChannel
  if training {
    precondition(perChannel > 1, "batchNorm2DForward: training needs more than one value per channel")
    var variance = [Float](repeating: 0, count: channels)
    variance.withUnsafeMutableBufferPointer { varianceBuffer in
      parallelChunks(channels) { range in
        for c in range {
          var sum = 0.0
          var sumSquares = 0.0
          for n in 0..<batch {
            let (partial, partialSquares) = planeSums(
              input + (n * channels + c) * spatial, count: spatial)
            sum += Double(partial)
            sumSquares += Double(partialSquares)
          }
          let m = sum / Double(perChannel)
          savedMean[c] = Float(m)
          varianceBuffer[c] = Float(max(0, sumSquares / Double(perChannel) - m * m))
        }
      }
    }
    let correction = Float(perChannel) / Float(perChannel - 1)
    for c in 0..<channels {
      runningMean[c] = (1 - momentum) * runningMean[c] + momentum * savedMean[c]
      runningVariance[c] = (1 - momentum) * runningVariance[c] + momentum * variance[c] * correction
      savedInverseStd[c] = 1 / (variance[c] + epsilon).squareRoot()
    }
  } else {
    for c in 0..<channels {
      savedMean[c] = runningMean[c]
      savedInverseStd[c] = 1 / (runningVariance[c] + epsilon).squareRoot()
    }
  }

  // y = x̂·γ + β with x̂ = (x − μ)·invStd, folded into y = x·scale + shift per channel.
  let mean = UnsafePointer(savedMean)
  let inverseStd = UnsafePointer(savedInverseStd)
  parallelChunks(batch * channels) { range in
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
/// Speed: the per-channel sums run 8 SIMD lanes per plane, in parallel over channels; dx is one
/// vectorisable pass per plane, dx = a·dy + b·x + d with per-channel a, b, d.
public func batchNorm2DBackward(
  gradOutput: UnsafePointer<Float>, input: UnsafePointer<Float>,
  savedMean: UnsafePointer<Float>, savedInverseStd: UnsafePointer<Float>,
  weight: UnsafePointer<Float>?, gradInput: UnsafeMutablePointer<Float>?,
  gradWeight: UnsafeMutablePointer<Float>?, gradBias: UnsafeMutablePointer<Float>?,
  training: Bool, layout: BatchNormLayout
) {
  let (batch, channels, spatial) = (layout.batch, layout.channels, layout.spatial)
  let (dy, x, mean, inverseStd) = (gradOutput, input, savedMean, savedInverseStd)
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
              dy + offset, x + offset, mean: mean[c], count: spatial)
            a += Double(partialA)
            b += Double(partialB)
          }
          sumGradient[c] = Float(a)
          sumGradientXHat[c] = Float(b) * inverseStd[c]
        }
      }
    }
  }
  if let gradInput {
    let count = Float(layout.valuesPerChannel)
    parallelChunks(batch * channels) { range in
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
  if let gradWeight { gradWeight.update(from: sumGradientXHat, count: channels) }
  if let gradBias { gradBias.update(from: sumGradient, count: channels) }
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
