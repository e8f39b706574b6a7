import Foundation

// Softmax and log-softmax along one axis (`SoftmaxLayout`), forward and backward. Every row is
// independent, so rows are spread over threads (big tensors only) and the results do not
// depend on the thread count. Float arithmetic; the reference twins are in SoftmaxReference.swift.

/// log softmax(x) per row: x − max − log Σ e^(x − max) (stable for any magnitude).
public func logSoftmaxForward(
  input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, layout: SoftmaxLayout
) {
  forEachRow(layout) { base in
    let logTotal = logSumExp(input + base, layout)
    for s in 0..<layout.size { output[base + s * layout.inner] = input[base + s * layout.inner] - logTotal }
  }
}

/// softmax(x) per row: e^(log softmax(x)).
public func softmaxForward(
  input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, layout: SoftmaxLayout
) {
  forEachRow(layout) { base in
    let logTotal = logSumExp(input + base, layout)
    for s in 0..<layout.size {
      output[base + s * layout.inner] = exp(input[base + s * layout.inner] - logTotal)
    }
  }
}

/// Softmax backward from its output y: dx = y ⊙ (dy − Σ dy⊙y) per row.
public func softmaxBackward(
  output: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
  gradInput: UnsafeMutablePointer<Float>, layout: SoftmaxLayout
) {
  forEachRow(layout) { base in
    var dot: Float = 0
    for s in 0..<layout.size {
      let i = base + s * layout.inner
      dot += gradOutput[i] * output[i]
    }
    for s in 0..<layout.size {
      let i = base + s * layout.inner
      gradInput[i] = output[i] * (gradOutput[i] - dot)
    }
  }
}

/// Log-softmax backward from its output y: dx = dy − e^y · Σ dy per row.
public func logSoftmaxBackward(
  output: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
  gradInput: UnsafeMutablePointer<Float>, layout: SoftmaxLayout
) {
  forEachRow(layout) { base in
    var total: Float = 0
    for s in 0..<layout.size { total += gradOutput[base + s * layout.inner] }
    for s in 0..<layout.size {
      let i = base + s * layout.inner
      gradInput[i] = gradOutput[i] - exp(output[i]) * total
    }
  }
}

/// log Σ e^x over the row starting at `row`: max + log Σ e^(x − max).
@inline(__always)
private func logSumExp(_ row: UnsafePointer<Float>, _ layout: SoftmaxLayout) -> Float {
  var largest = -Float.infinity
  for s in 0..<layout.size { largest = max(largest, row[s * layout.inner]) }
  var total: Float = 0
  for s in 0..<layout.size { total += exp(row[s * layout.inner] - largest) }
  return log(total) + largest
}

/// Calls `body(base)` for the first element of every row. Threads only pay from about 16 Ki
/// values on (a classifier's [128, 10] logits run inline, as before the split).
@inline(__always)
private func forEachRow(_ layout: SoftmaxLayout, _ body: (Int) -> Void) {
  let rowsPerChunk = max(1, (1 << 14) / max(1, layout.size))
  parallelChunks(layout.rows, minimumChunk: rowsPerChunk) { range in
    for row in range {
      let (o, i) = row.quotientAndRemainder(dividingBy: layout.inner)
      body(o * layout.size * layout.inner + i)
    }
  }
}
