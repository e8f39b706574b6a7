import ConvNetTensor

/// Elements `start`, `start + step`, … (`length` of them) along `axis` (PyTorch's
/// `narrow(dim, start, length)` when `step` is 1; ONNX `Slice` with a positive step). The
/// backward puts the gradient back at those positions and zeros elsewhere.
public func narrow(_ input: Variable, axis: Int, start: Int, length: Int, step: Int = 1) -> Variable {
  let inputShape = input.shape
  let a = normalizedAxis(axis, rank: inputShape.count, "narrow")
  precondition(step >= 1, "narrow: step must be ≥ 1, got \(step)")
  precondition(
    start >= 0 && length >= 0 && (length == 0 || start + (length - 1) * step < inputShape[a]),
    "narrow: \(length) elements from \(start) by \(step) do not fit axis \(a) of \(inputShape)")
  var shape = inputShape
  shape[a] = length
  var strides = contiguousStrides(inputShape)
  let offset = start * strides[a]
  strides[a] *= step
  var output = Tensor(uninitializedShape: shape)
  stridedCopy(
    shape: shape, from: input.value.readOnlyElements, offset: offset, strides: strides,
    to: output.uniqueElements(), offset: 0, strides: contiguousStrides(shape))
  return Variable.makeOutput(output, name: "narrow", inputs: [input]) { gradient in
    var inputGradient = Tensor.zeros(inputShape)
    stridedCopy(
      shape: shape, from: gradient.readOnlyElements, offset: 0, strides: contiguousStrides(shape),
      to: inputGradient.uniqueElements(), offset: offset, strides: strides)
    return [inputGradient]
  }
}

/// Consecutive pieces of `input` along `axis` of the given sizes, which must add up to the
/// axis (PyTorch's `split` with a list of sizes, ONNX's `Split`).
public func split(_ input: Variable, axis: Int, sizes: [Int]) -> [Variable] {
  let a = normalizedAxis(axis, rank: input.shape.count, "split")
  precondition(
    sizes.allSatisfy { $0 >= 0 } && sizes.reduce(0, +) == input.shape[a],
    "split: sizes \(sizes) do not add up to axis \(a) of \(input.shape)")
  var start = 0
  return sizes.map { size in
    defer { start += size }
    return narrow(input, axis: a, start: start, length: size)
  }
}
