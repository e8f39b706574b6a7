import ConvNetTensor

/// `input` with `value` wherever `mask` is non-zero (PyTorch's `masked_fill`; attention sets
/// padded positions to −∞ before its softmax). `mask` broadcasts to the input's shape (NumPy
/// rules: [N, S] masks [N, S], [N, 1, S] masks [N, T, S]). Filled positions get no gradient.
public func maskedFill(_ input: Variable, mask: Tensor, value: Float) -> Variable {
  let output = Tensor.zipWith(input.value, mask) { x, m in m != 0 ? value : x }
  precondition(
    output.shape == input.shape, "maskedFill: mask \(mask.shape) does not broadcast to input \(input.shape)")
  return Variable.makeOutput(output, name: "masked_fill", inputs: [input]) { gradient in
    [Tensor.zipWith(gradient, mask) { g, m in m != 0 ? 0 : g }]
  }
}
