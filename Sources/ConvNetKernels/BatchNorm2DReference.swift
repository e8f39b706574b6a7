import Foundation

// Plain reference twins of the batch-norm kernels: the definitions written out element by
// element in Double, one thread, no SIMD, the variance in two passes (Σ(x − μ)², not
// Σx² − μ²). Tests compare the fast kernels with these; nothing else should call them.

/// Reference twin of `batchNorm2DForward` (same contract).
public func batchNorm2DForwardReference(
  input: UnsafePointer<Float>, weight: UnsafePointer<Float>?, bias: UnsafePointer<Float>?,
  runningMean: UnsafeMutablePointer<Float>, runningVariance: UnsafeMutablePointer<Float>,
  savedMean: UnsafeMutablePointer<Float>, savedInverseStd: UnsafeMutablePointer<Float>,
  output: UnsafeMutablePointer<Float>, training: Bool, momentum: Float, epsilon: Float,
  layout: BatchNormLayout
) {
  let (batch, channels, spatial) = (layout.batch, layout.channels, layout.spatial)
  let count = Double(layout.valuesPerChannel)
  func index(_ n: Int, _ c: Int, _ s: Int) -> Int { (n * channels + c) * spatial + s }
  for c in 0..<channels {
    let mean: Double
    let variance: Double
    if training {
      precondition(layout.valuesPerChannel > 1, "batchNorm2DForwardReference: one value per channel")
      var sum = 0.0
      for n in 0..<batch { for s in 0..<spatial { sum += Double(input[index(n, c, s)]) } }
      mean = sum / count
      var squares = 0.0
      for n in 0..<batch {
        for s in 0..<spatial {
          let deviation = Double(input[index(n, c, s)]) - mean
          squares += deviation * deviation
        }
      }
      variance = squares / count
      let m = Double(momentum)
      runningMean[c] = Float((1 - m) * Double(runningMean[c]) + m * mean)
      runningVariance[c] = Float((1 - m) * Double(runningVariance[c]) + m * squares / (count - 1))
    } else {
      mean = Double(runningMean[c])
      variance = Double(runningVariance[c])
    }
    let inverseStd = 1 / (variance + Double(epsilon)).squareRoot()
    savedMean[c] = Float(mean)
    savedInverseStd[c] = Float(inverseStd)
    let gamma = Double(weight?[c] ?? 1)
    let beta = Double(bias?[c] ?? 0)
    for n in 0..<batch {
      for s in 0..<spatial {
        let normalised = (Double(input[index(n, c, s)]) - mean) * inverseStd
        output[index(n, c, s)] = Float(gamma * normalised + beta)
      }
    }
  }
}

/// Reference twin of `batchNorm2DBackward` (same contract).
public func batchNorm2DBackwardReference(
  gradOutput: UnsafePointer<Float>, input: UnsafePointer<Float>,
  savedMean: UnsafePointer<Float>, savedInverseStd: UnsafePointer<Float>,
  weight: UnsafePointer<Float>?, gradInput: UnsafeMutablePointer<Float>?,
  gradWeight: UnsafeMutablePointer<Float>?, gradBias: UnsafeMutablePointer<Float>?,
  training: Bool, layout: BatchNormLayout
) {
  let (batch, channels, spatial) = (layout.batch, layout.channels, layout.spatial)
  let count = Double(layout.valuesPerChannel)
  func index(_ n: Int, _ c: Int, _ s: Int) -> Int { (n * channels + c) * spatial + s }
  for c in 0..<channels {
    let mean = Double(savedMean[c])
    let inverseStd = Double(savedInverseStd[c])
    let gamma = Double(weight?[c] ?? 1)
    func normalised(_ i: Int) -> Double { (Double(input[i]) - mean) * inverseStd }
    var sumGradient = 0.0
    var sumGradientXHat = 0.0
    for n in 0..<batch {
      for s in 0..<spatial {
        let i = index(n, c, s)
        sumGradient += Double(gradOutput[i])
        sumGradientXHat += Double(gradOutput[i]) * normalised(i)
      }
    }
    gradBias?[c] = Float(sumGradient)
    gradWeight?[c] = Float(sumGradientXHat)
    guard let gradInput else { continue }
    for n in 0..<batch {
      for s in 0..<spatial {
        let i = index(n, c, s)
        let dy = Double(gradOutput[i])
        gradInput[i] =
          training
          ? Float(gamma * inverseStd / count * (count * dy - sumGradient - normalised(i) * sumGradientXHat))
          : Float(gamma * inverseStd * dy)
      }
    }
  }
}
