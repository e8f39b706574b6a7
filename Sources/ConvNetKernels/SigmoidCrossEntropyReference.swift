import Foundation

// Plain reference twins of the sigmoid cross-entropy kernels, in Double, from the
// definition −[y·log σ(x) + (1 − y)·log(1 − σ(x))] (log σ(x) = −log(1 + e^(−x)) and
// log(1 − σ(x)) = −x − log(1 + e^(−x)), each written for the sign of x that does not overflow).

/// Reference twin of `sigmoidCrossEntropyForward`.
public func sigmoidCrossEntropyForwardReference(
  logits: UnsafePointer<Float>, target: UnsafePointer<Float>, count: Int
) -> Float {
  var total = 0.0
  for i in 0..<count {
    let (x, y) = (Double(logits[i]), Double(target[i]))
    let logSigmoid =
      x >= 0 ? -Foundation.log(1 + Foundation.exp(-x)) : x - Foundation.log(1 + Foundation.exp(x))
    let logOneMinusSigmoid = logSigmoid - x
    total -= y * logSigmoid + (1 - y) * logOneMinusSigmoid
  }
  return Float(total / Double(count))
}

/// Reference twin of `sigmoidCrossEntropyBackward`: d/dx = (σ(x) − y)/count.
public func sigmoidCrossEntropyBackwardReference(
  logits: UnsafePointer<Float>, target: UnsafePointer<Float>, gradOutput: Float,
  gradLogits: UnsafeMutablePointer<Float>, count: Int
) {
  for i in 0..<count {
    let x = Double(logits[i])
    let sigmoid = x >= 0 ? 1 / (1 + Foundation.exp(-x)) : Foundation.exp(x) / (1 + Foundation.exp(x))
    gradLogits[i] = Float((sigmoid - Double(target[i])) / Double(count) * Double(gradOutput))
  }
}
