import Foundation

// Plain reference twins of the softmax cross-entropy kernels, in Double, from the definition:
// loss = mean over samples of −Σ_c q_c·log p_c, q = (1 − ε)·onehot + ε/C, p = softmax(x).

/// Reference twin of `softmaxCrossEntropyForward` (same contract).
public func softmaxCrossEntropyForwardReference(
  logits: UnsafePointer<Float>, labels: UnsafePointer<Int>,
  logProbabilities: UnsafeMutablePointer<Float>, batch: Int, classes: Int, labelSmoothing: Float
) -> Float {
  logSoftmaxForwardReference(
    input: logits, output: logProbabilities, layout: SoftmaxLayout(outer: batch, size: classes, inner: 1))
  let epsilon = Double(labelSmoothing)
  var total = 0.0
  for n in 0..<batch {
    // log p recomputed in Double rather than read back from the Float output.
    let row = (0..<classes).map { Double(logits[n * classes + $0]) }
    let largest = row.max() ?? 0
    let logTotal = largest + Foundation.log(row.reduce(0) { $0 + Foundation.exp($1 - largest) })
    for c in 0..<classes {
      let q = (c == labels[n] ? 1 - epsilon : 0) + epsilon / Double(classes)
      total -= q * (row[c] - logTotal)
    }
  }
  return Float(total / Double(batch))
}

/// Reference twin of `softmaxCrossEntropyBackward` (same contract).
public func softmaxCrossEntropyBackwardReference(
  logProbabilities: UnsafePointer<Float>, labels: UnsafePointer<Int>, gradOutput: Float,
  gradLogits: UnsafeMutablePointer<Float>, batch: Int, classes: Int, labelSmoothing: Float
) {
  let epsilon = Double(labelSmoothing)
  for n in 0..<batch {
    for c in 0..<classes {
      let q = (c == labels[n] ? 1 - epsilon : 0) + epsilon / Double(classes)
      let p = Foundation.exp(Double(logProbabilities[n * classes + c]))
      gradLogits[n * classes + c] = Float((p - q) * Double(gradOutput) / Double(batch))
    }
  }
}
