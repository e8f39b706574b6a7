import Foundation

/// Softmax cross-entropy of logits [batch, classes] against class indices, averaged over the
/// batch, with label smoothing ε (PyTorch's `cross_entropy(…, label_smoothing: ε)`): the target
/// distribution is q = (1 − ε)·onehot + ε/C and the loss per sample −Σ_c q_c·log softmax(x)_c.
///
/// Writes log softmax(x) to `logProbabilities` ([batch, classes], what the backward reads) and
/// returns the mean loss. Labels must lie in 0..<classes (the caller checks).
public func softmaxCrossEntropyForward(
  logits: UnsafePointer<Float>, labels: UnsafePointer<Int>,
  logProbabilities: UnsafeMutablePointer<Float>, batch: Int, classes: Int, labelSmoothing: Float
) -> Float {
  logSoftmaxForward(
    input: logits, output: logProbabilities, layout: SoftmaxLayout(outer: batch, size: classes, inner: 1))
  let (onTarget, offTarget) = smoothedTargets(classes: classes, labelSmoothing: labelSmoothing)
  var total = 0.0
  for n in 0..<batch {
    let row = logProbabilities + n * classes
    if labelSmoothing == 0 {
      total -= Double(row[labels[n]])
    } else {
      var sample: Float = 0
      for c in 0..<classes { sample -= (c == labels[n] ? onTarget : offTarget) * row[c] }
      total += Double(sample)
    }
  }
  return Float(total / Double(batch))
}

/// Softmax cross-entropy backward: d loss/d logits = (softmax(x) − q) · gradOutput / batch, from
/// the forward's `logProbabilities`.
public func softmaxCrossEntropyBackward(
  logProbabilities: UnsafePointer<Float>, labels: UnsafePointer<Int>, gradOutput: Float,
  gradLogits: UnsafeMutablePointer<Float>, batch: Int, classes: Int, labelSmoothing: Float
) {
  let (onTarget, offTarget) = smoothedTargets(classes: classes, labelSmoothing: labelSmoothing)
  let scale = gradOutput / Float(batch)
  for n in 0..<batch {
    for c in 0..<classes {
      let target = c == labels[n] ? onTarget : offTarget
      gradLogits[n * classes + c] = (exp(logProbabilities[n * classes + c]) - target) * scale
    }
  }
}

/// q for the label's class and for every other class: (1 − ε + ε/C, ε/C).
@inline(__always)
private func smoothedTargets(classes: Int, labelSmoothing: Float) -> (Float, Float) {
  let offTarget = labelSmoothing / Float(classes)
  return (1 - labelSmoothing + offTarget, offTarget)
}
