import ConvNetTensor

/// Joins variables of one shape along a new axis inserted at `axis` (PyTorch's `stack`): the
/// time steps of a recurrent layer become [T, N, H] with `axis` 0. A concatenation of the
/// inputs each reshaped with a 1 at `axis`, so its backward is concatenation's.
public func stack(_ inputs: [Variable], axis: Int = 0) -> Variable {
  precondition(!inputs.isEmpty, "stack: needs at least one input")
  let shape = inputs[0].shape
  let a = normalizedAxis(axis, rank: shape.count + 1, "stack")
  for input in inputs {
    precondition(input.shape == shape, "stack: shape \(input.shape) differs from the first input's \(shape)")
  }
  var expanded = shape
  expanded.insert(1, at: a)
  return concatenate(inputs.map { $0.reshaped(expanded) }, axis: a)
}
