import ConvNetTensor

/// The axes of `input` reordered: output axis i is input axis `axes[i]` (PyTorch's `permute`,
/// ONNX's `Transpose` with `perm`). Pure data movement: the backward permutes the gradient by
/// the inverse order.
public func permuted(_ input: Variable, axes: [Int]) -> Variable {
  let shape = input.shape
  let rank = shape.count
  let normalized = axes.map { normalizedAxis($0, rank: rank, "permuted") }
  precondition(
    normalized.count == rank && Set(normalized).count == rank,
    "permuted: axes \(axes) are not a permutation of the \(rank) axes of \(shape)")
  var inverse = [Int](repeating: 0, count: rank)
  for (position, axis) in normalized.enumerated() { inverse[axis] = position }
  let output = permute(input.value, normalized)
  return Variable.makeOutput(output, name: "permute", inputs: [input]) { gradient in
    [permute(gradient, inverse)]
  }
}

/// `input` with axes `first` and `second` exchanged (PyTorch's `transpose(dim0, dim1)`).
public func transposed(_ input: Variable, _ first: Int, _ second: Int) -> Variable {
  let rank = input.shape.count
  var axes = Array(0..<rank)
  axes.swapAt(normalizedAxis(first, rank: rank, "transposed"), normalizedAxis(second, rank: rank, "transposed"))
  return permuted(input, axes: axes)
}

private func permute(_ tensor: Tensor, _ axes: [Int]) -> Tensor {
  if axes == Array(0..<tensor.rank) { return tensor }
  let strides = contiguousStrides(tensor.shape)
  let shape = axes.map { tensor.shape[$0] }
  var output = Tensor(uninitializedShape: shape)
  stridedCopy(
    shape: shape, from: tensor.readOnlyElements, offset: 0, strides: axes.map { strides[$0] },
    to: output.uniqueElements(), offset: 0, strides: contiguousStrides(shape))
  return output
}
