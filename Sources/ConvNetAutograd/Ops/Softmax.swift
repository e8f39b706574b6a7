import ConvNetTensor
import Foundation

/// Splits a shape around `axis` into (outer, size, inner) element counts.
func splitShape(_ shape: [Int], around axis: Int) -> (outer: Int, size: Int, inner: Int) {
  let a = axis < 0 ? axis + shape.count : axis
  precondition(a >= 0 && a < shape.count, "axis \(axis) out of range for shape \(shape)")
  return (
    Tensor.elementCount(of: Array(shape[..<a])), shape[a],
    Tensor.elementCount(of: Array(shape[(a + 1)...]))
  )
}

/// log(softmax(x)) along `axis`, computed as x − max − log Σ e^(x − max) for stability.
public func logSoftmaxValues(_ x: Tensor, axis: Int) -> Tensor {
  let (outer, size, inner) = splitShape(x.shape, around: axis)
  let result = Tensor(uninitializedShape: x.shape)
  let a = x.storage.pointer
  let c = result.storage.pointer
  for o in 0..<outer {
    for i in 0..<inner {
      let base = o * size * inner + i
      var largest = -Float.infinity
      for s in 0..<size { largest = max(largest, a[base + s * inner]) }
      var total: Float = 0
      for s in 0..<size { total += exp(a[base + s * inner] - largest) }
      let logTotal = log(total) + largest
      for s in 0..<size { c[base + s * inner] = a[base + s * inner] - logTotal }
    }
  }
  return result
}

/// softmax along `axis` (default: the last).
public func softmax(_ input: Variable, axis: Int = -1) -> Variable {
  let output = logSoftmaxValues(input.value, axis: axis).map { exp($0) }
  return Variable.makeOutput(output, name: "softmax", inputs: [input]) { gradient in
    // dx = y ⊙ (g − Σ g⊙y) along the axis.
    let dot = (gradient * output).sum(alongAxis: axis, keepingDimension: true)
    return [output * (gradient - dot)]
  }
}

/// log-softmax along `axis` (default: the last).
public func logSoftmax(_ input: Variable, axis: Int = -1) -> Variable {
  let output = logSoftmaxValues(input.value, axis: axis)
  return Variable.makeOutput(output, name: "log_softmax", inputs: [input]) { gradient in
    // dx = g − softmax ⊙ Σ g along the axis.
    let total = gradient.sum(alongAxis: axis, keepingDimension: true)
    return [gradient - output.map { exp($0) } * total]
  }
}
