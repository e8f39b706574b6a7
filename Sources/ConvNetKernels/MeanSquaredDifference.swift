/// Mean squared difference (the mean squared error loss) over `count` elements:
/// mean((prediction − target)²), the sum taken in Double.
public func meanSquaredDifferenceForward(
  prediction: UnsafePointer<Float>, target: UnsafePointer<Float>, count: Int
) -> Float {
  var total = 0.0
  for i in 0..<count {
    let difference = prediction[i] - target[i]
    total += Double(difference * difference)
  }
  return Float(total) / Float(count)
}

/// Mean squared difference backward:
/// d loss/d prediction = (prediction − target) · 2·gradOutput/count.
public func meanSquaredDifferenceBackward(
  prediction: UnsafePointer<Float>, target: UnsafePointer<Float>, gradOutput: Float,
  gradPrediction: UnsafeMutablePointer<Float>, count: Int
) {
  let scale = 2 * gradOutput / Float(count)
  for i in 0..<count { gradPrediction[i] = (prediction[i] - target[i]) * scale }
}
