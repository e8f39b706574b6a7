import Foundation

/// Sigmoid cross-entropy (binary cross-entropy on logits) over `count` elements, averaged:
/// mean(max(x, 0) − x·y + log(1 + e^(−|x|))), the numerically stable form of
/// −[y·log σ(x) + (1 − y)·log(1 − σ(x))]. The sum is taken in Double.
public func sigmoidCrossEntropyForward(
  logits: UnsafePointer<Float>, target: UnsafePointer<Float>, count: Int
) -> Float {
  var total = 0.0
  for i in 0..<count {
    let (v, y) = (logits[i], target[i])
    total += Double(max(v, 0) - v * y + log1p(exp(-abs(v))))
  }
  return Float(total) / Float(count)
}

/// Sigmoid cross-entropy backward: d loss/d x = (σ(x) − y) · gradOutput/count.
public func sigmoidCrossEntropyBackward(
  logits: UnsafePointer<Float>, target: UnsafePointer<Float>, gradOutput: Float,
  gradLogits: UnsafeMutablePointer<Float>, count: Int
) {
  let scale = gradOutput / Float(count)
  for i in 0..<count { gradLogits[i] = (1 / (1 + exp(-logits[i])) - target[i]) * scale }
}
