import Foundation
import ConvNetTensor

// Elementwise functions that ONNX graphs use beyond the activations of Activations.swift and
// MobileActivations.swift. Each is a map forward and a map of the saved input backward; at a
// kink the derivative is PyTorch's choice, so gradients agree with `torch.autograd`.

/// x for x > 0, α·(eˣ − 1) otherwise (ELU, Clevert et al. 2015). Derivative 1 for x > 0,
/// α·eˣ otherwise.
public func elu(_ input: Variable, alpha: Float = 1) -> Variable {
  let x = input.value
  let output = x.map { $0 > 0 ? $0 : alpha * (Foundation.exp($0) - 1) }
  return Variable.makeOutput(output, name: "elu", inputs: [input]) { gradient in
    [Tensor.zipWith(gradient, x) { g, v in v > 0 ? g : g * alpha * Foundation.exp(v) }]
  }
}

/// min(max(x, lower), upper) (either bound may be absent). The gradient passes where
/// lower ≤ x ≤ upper, as `torch.clamp`'s does.
public func clamped(_ input: Variable, min lower: Float?, max upper: Float?) -> Variable {
  let x = input.value
  let low = lower ?? -Float.infinity
  let high = upper ?? Float.infinity
  let output = x.map { Swift.min(Swift.max($0, low), high) }
  return Variable.makeOutput(output, name: "clamp", inputs: [input]) { gradient in
    [Tensor.zipWith(gradient, x) { g, v in v >= low && v <= high ? g : 0 }]
  }
}

/// xᵖ for a constant exponent p (x^0.5 = √x). Derivative p·xᵖ⁻¹.
public func raised(_ input: Variable, toPower exponent: Float) -> Variable {
  let x = input.value
  let output = x.map { Foundation.pow($0, exponent) }
  return Variable.makeOutput(output, name: "pow", inputs: [input]) { gradient in
    [Tensor.zipWith(gradient, x) { g, v in g * exponent * Foundation.pow(v, exponent - 1) }]
  }
}
