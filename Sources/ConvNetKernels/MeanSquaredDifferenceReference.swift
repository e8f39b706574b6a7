// Plain reference twins of the mean-squared-difference kernels, in Double.

/// Reference twin of `meanSquaredDifferenceForward`: Σ (p − t)² / count.
public func meanSquaredDifferenceForwardReference(
  prediction: UnsafePointer<Float>, target: UnsafePointer<Float>, count: Int
) -> Float {
  var total = 0.0
  for i in 0..<count {
    let difference = Double(prediction[i]) - Double(target[i])
    total += difference * difference
  }
  return Float(total / Double(count))
}

/// Reference twin of `meanSquaredDifferenceBackward`: d/dp of Σ (p − t)²/count is 2(p − t)/count.
public func meanSquaredDifferenceBackwardReference(
  prediction: UnsafePointer<Float>, target: UnsafePointer<Float>, gradOutput: Float,
  gradPrediction: UnsafeMutablePointer<Float>, count: Int
) {
  for i in 0..<count {
    let difference = Double(prediction[i]) - Double(target[i])
    gradPrediction[i] = Float(2 * difference / Double(count) * Double(gradOutput))
  }
}
