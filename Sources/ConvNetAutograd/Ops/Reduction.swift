import ConvNetTensor

/// The sum over `axes` (negative counts from the end; PyTorch's `sum(dim, keepdim)`, ONNX's
/// `ReduceSum`); the reduced axes are kept with size 1 when `keepDims`, removed otherwise. An
/// empty `axes` sums nothing (the input is returned unchanged). The backward broadcasts the
/// gradient back over the reduced axes.
public func sum(_ input: Variable, axes: [Int], keepDims: Bool = false) -> Variable {
  reduce(input, axes: axes, keepDims: keepDims, mean: false)
}

/// The mean over `axes` (see `sum(_:axes:keepDims:)`): the sum divided by the number of
/// elements reduced. The backward spreads the gradient evenly over them.
public func mean(_ input: Variable, axes: [Int], keepDims: Bool = false) -> Variable {
  reduce(input, axes: axes, keepDims: keepDims, mean: true)
}

private func reduce(_ input: Variable, axes: [Int], keepDims: Bool, mean: Bool) -> Variable {
  let inputShape = input.shape
  let reduced = Set(axes.map { normalizedAxis($0, rank: inputShape.count, mean ? "mean" : "sum") })
  precondition(reduced.count == axes.count, "\(mean ? "mean" : "sum"): axis listed twice in \(axes)")
  var value = input.value
  var kept = inputShape
  for axis in reduced.sorted() {
    value = value.sum(alongAxis: axis, keepingDimension: true)
    kept[axis] = 1
  }
  let reducedCount = reduced.reduce(1) { $0 * inputShape[$1] }
  let scale: Float = mean ? 1 / Float(reducedCount) : 1
  if mean { value = value * scale }
  let outputShape = keepDims ? kept : (0..<inputShape.count).filter { !reduced.contains($0) }.map { inputShape[$0] }
  return Variable.makeOutput(
    value.reshaped(outputShape), name: mean ? "mean" : "sum", inputs: [input]
  ) { gradient in
    let spread = gradient.reshaped(kept)
    // Broadcast the (scaled) gradient back to the input's shape.
    return [Tensor.zipWith(Tensor(shape: inputShape, repeating: scale), spread, *)]
  }
}
