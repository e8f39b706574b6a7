import ConvNetTensor
import Foundation

// Pointwise activations. Each backward multiplies the output gradient by the derivative,
// expressed through the saved input or output (whichever is cheaper).

/// max(0, x). The derivative at exactly 0 is taken as 0, as PyTorch does.
public func relu(_ input: Variable) -> Variable {
  let output = input.value.map { $0 > 0 ? $0 : 0 }
  return Variable.makeOutput(output, name: "relu", inputs: [input], traced: .relu) { gradient in
    [Tensor.zipWith(gradient, output) { g, y in y > 0 ? g : 0 }]
  }
}

/// x for x ≥ 0, slope·x otherwise.
public func leakyRelu(_ input: Variable, negativeSlope: Float = 0.01) -> Variable {
  let x = input.value
  let output = x.map { $0 >= 0 ? $0 : negativeSlope * $0 }
  return Variable.makeOutput(
    output, name: "leaky_relu", inputs: [input], traced: .leakyRelu(negativeSlope: negativeSlope)
  ) { gradient in
    [Tensor.zipWith(gradient, x) { g, v in v > 0 ? g : negativeSlope * g }]
  }
}

/// Randomised leaky ReLU (Xu et al. 2015), as PyTorch's RReLU: in training each negative
/// element gets its own slope drawn from U(lower, upper); in evaluation the slope is the
/// mean (lower + upper) / 2.
public func rrelu(
  _ input: Variable, lower: Float = 1.0 / 8, upper: Float = 1.0 / 3, training: Bool,
  generator: inout SeededGenerator
) -> Variable {
  guard training else { return leakyRelu(input, negativeSlope: (lower + upper) / 2) }
  let x = input.value
  var slopes = Tensor(uninitializedShape: x.shape)
  let values = x.readOnlyElements
  slopes.withUnsafeMutableBufferPointer { buffer in
    for i in buffer.indices {
      buffer[i] = values[i] >= 0 ? 1 : lower + (upper - lower) * generator.nextUnitFloat()
    }
  }
  return Variable.makeOutput(x * slopes, name: "rrelu", inputs: [input], traced: .random("rrelu")) {
    [slopes] gradient in
    [gradient * slopes]
  }
}

/// 1 / (1 + e^(−x)).
public func sigmoid(_ input: Variable) -> Variable {
  let output = input.value.map { stableSigmoid($0) }
  return Variable.makeOutput(output, name: "sigmoid", inputs: [input], traced: .sigmoid) { gradient in
    [Tensor.zipWith(gradient, output) { g, y in g * y * (1 - y) }]
  }
}

/// Sigmoid without overflow for large |x|.
@inline(__always) func stableSigmoid(_ x: Float) -> Float {
  if x >= 0 { return 1 / (1 + exp(-x)) }
  let e = exp(x)
  return e / (1 + e)
}

public func tanh(_ input: Variable) -> Variable {
  let output = input.value.map { Foundation.tanh($0) }
  return Variable.makeOutput(output, name: "tanh", inputs: [input], traced: .tanh) { gradient in
    [Tensor.zipWith(gradient, output) { g, y in g * (1 - y * y) }]
  }
}
