import Foundation

// Plain reference twins of the softmax kernels: the definitions element by element in Double,
// one thread. Tests compare the fast kernels with these; nothing else should call them.

/// Reference twin of `logSoftmaxForward`: log(e^x / Σ e^x), the sum taken after subtracting the
/// row's maximum (Double does not overflow, but e^x would for large logits).
public func logSoftmaxForwardReference(
  input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, layout: SoftmaxLayout
) {
  for (base, indices) in referenceRows(layout) {
    let largest = indices.map { Double(input[base + $0]) }.max() ?? 0
    let total = indices.reduce(0.0) { $0 + Foundation.exp(Double(input[base + $1]) - largest) }
    for s in indices { output[base + s] = Float(Double(input[base + s]) - largest - Foundation.log(total)) }
  }
}

/// Reference twin of `softmaxForward`: e^(x − max) / Σ e^(x − max).
public func softmaxForwardReference(
  input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, layout: SoftmaxLayout
) {
  for (base, indices) in referenceRows(layout) {
    let largest = indices.map { Double(input[base + $0]) }.max() ?? 0
    let total = indices.reduce(0.0) { $0 + Foundation.exp(Double(input[base + $1]) - largest) }
    for s in indices { output[base + s] = Float(Foundation.exp(Double(input[base + s]) - largest) / total) }
  }
}

/// Reference twin of `softmaxBackward`: the Jacobian dy_i/dx_j = y_i·(δ_ij − y_j) applied as a
/// full matrix-vector product, dx_j = Σ_i dy_i · y_i·(δ_ij − y_j).
public func softmaxBackwardReference(
  output: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
  gradInput: UnsafeMutablePointer<Float>, layout: SoftmaxLayout
) {
  for (base, indices) in referenceRows(layout) {
    for j in indices {
      var sum = 0.0
      for i in indices {
        let jacobian = Double(output[base + i]) * ((i == j ? 1 : 0) - Double(output[base + j]))
        sum += Double(gradOutput[base + i]) * jacobian
      }
      gradInput[base + j] = Float(sum)
    }
  }
}

/// Reference twin of `logSoftmaxBackward`: with p = e^y, d y_i/dx_j = δ_ij − p_j, so
/// dx_j = Σ_i dy_i · (δ_ij − p_j).
public func logSoftmaxBackwardReference(
  output: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
  gradInput: UnsafeMutablePointer<Float>, layout: SoftmaxLayout
) {
  for (base, indices) in referenceRows(layout) {
    for j in indices {
      let p = Foundation.exp(Double(output[base + j]))
      var sum = 0.0
      for i in indices { sum += Double(gradOutput[base + i]) * ((i == j ? 1 : 0) - p) }
      gradInput[base + j] = Float(sum)
    }
  }
}

/// Every row's first element and the offsets of its values from it.
private func referenceRows(_ layout: SoftmaxLayout) -> [(base: Int, offsets: [Int])] {
  let offsets = (0..<layout.size).map { $0 * layout.inner }
  return (0..<layout.outer).flatMap { o in
    (0..<layout.inner).map { i in (o * layout.size * layout.inner + i, offsets) }
  }
}
