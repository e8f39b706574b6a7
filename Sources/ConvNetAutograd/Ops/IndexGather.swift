import ConvNetTensor

/// y[i] = x[sources[i]], or `fill` where `sources[i]` is −1: one differentiable primitive behind
/// every re-indexing of elements — N-d transpose, slice with steps, constant/reflect/edge
/// padding, gather along an axis, broadcasting expansion, split, zero insertion between pixels
/// (transposed convolution), pooling windows laid out side by side. The caller computes the
/// source index of every output element once (its shape logic stays with the caller); the
/// backward scatters the output gradient back, **adding** where several outputs read one input
/// (reflect padding, overlapping windows, broadcast).
///
/// - Parameters:
///   - sources: one flat index into `input` (or −1) per output element, row-major.
///   - shape: the output's shape; its element count must equal `sources.count`.
public func indexGather(_ input: Variable, sources: [Int32], shape: [Int], fill: Float = 0) -> Variable {
  precondition(
    Tensor.elementCount(of: shape) == sources.count,
    "indexGather: \(sources.count) source indices for output shape \(shape)")
  let inputShape = input.shape
  let inputCount = input.value.count
  var output = Tensor(uninitializedShape: shape)
  let x = input.value.readOnlyElements
  let y = output.uniqueElements()
  sources.withUnsafeBufferPointer { map in
    for i in 0..<map.count {
      let source = Int(map[i])
      precondition(source < inputCount, "indexGather: source index \(source) ≥ input count \(inputCount)")
      y[i] = source < 0 ? fill : x[source]
    }
  }
  return Variable.makeOutput(output, name: "index_gather", inputs: [input]) { gradient in
    var gradInput = Tensor.zeros(inputShape)
    let g = gradient.readOnlyElements
    let dx = gradInput.uniqueElements()
    sources.withUnsafeBufferPointer { map in
      for i in 0..<map.count where map[i] >= 0 { dx[Int(map[i])] += g[i] }
    }
    return [gradInput]
  }
}

/// y[targets[i]] += x[i] over every input element (skipped where `targets[i]` is −1), into a
/// zero tensor of `shape`: sums over groups of elements — reductions over any set of axes
/// (mean = this sum times 1/count). The adjoint of `indexGather`: its backward hands each input
/// element the gradient of the output it was added into.
public func indexScatterSum(_ input: Variable, targets: [Int32], shape: [Int]) -> Variable {
  precondition(
    input.value.count == targets.count,
    "indexScatterSum: \(targets.count) target indices for input shape \(input.shape)")
  let inputShape = input.shape
  let outputCount = Tensor.elementCount(of: shape)
  var output = Tensor.zeros(shape)
  let x = input.value.readOnlyElements
  let y = output.uniqueElements()
  targets.withUnsafeBufferPointer { map in
    for i in 0..<map.count where map[i] >= 0 {
      precondition(Int(map[i]) < outputCount, "indexScatterSum: target \(map[i]) ≥ output count \(outputCount)")
      y[Int(map[i])] += x[i]
    }
  }
  return Variable.makeOutput(output, name: "index_scatter_sum", inputs: [input]) { gradient in
    var gradInput = Tensor(uninitializedShape: inputShape)
    let g = gradient.readOnlyElements
    let dx = gradInput.uniqueElements()
    targets.withUnsafeBufferPointer { map in
      for i in 0..<map.count { dx[i] = map[i] < 0 ? 0 : g[Int(map[i])] }
    }
    return [gradInput]
  }
}

/// The maximum over the last axis of x [..., K] → [...]; the gradient goes to the first
/// position of each maximum (as max pooling routes it). With `indexGather` laying pooling
/// windows out along a last axis (padding filled with −∞), this is max pooling of any rank,
/// dilation, padding and rounding.
public func maxAlongLastAxis(_ input: Variable) -> Variable {
  let shape = input.shape
  precondition(!shape.isEmpty && shape[shape.count - 1] > 0, "maxAlongLastAxis: expects [..., K>0], got \(shape)")
  let k = shape[shape.count - 1]
  let outputShape = Array(shape.dropLast())
  let rows = input.value.count / k
  var output = Tensor(uninitializedShape: outputShape)
  var positions = [Int32](repeating: 0, count: rows)
  let x = input.value.readOnlyElements
  let y = output.uniqueElements()
  for row in 0..<rows {
    var best = x[row * k]
    var at = 0
    for j in 1..<k where x[row * k + j] > best {
      best = x[row * k + j]
      at = j
    }
    y[row] = best
    positions[row] = Int32(at)
  }
  return Variable.makeOutput(output, name: "max_last_axis", inputs: [input]) { gradient in
    var gradInput = Tensor.zeros(shape)
    let g = gradient.readOnlyElements
    let dx = gradInput.uniqueElements()
    for row in 0..<rows { dx[row * k + Int(positions[row])] = g[row] }
    return [gradInput]
  }
}
