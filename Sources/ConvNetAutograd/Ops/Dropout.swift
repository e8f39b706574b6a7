import ConvNetTensor

/// Inverted dropout: in training each element is zeroed with probability `p` and the survivors
/// are scaled by 1/(1−p), so evaluation is the identity.
public func dropout(
  _ input: Variable, probability p: Float, training: Bool, generator: inout SeededGenerator
) -> Variable {
  precondition(p >= 0 && p <= 1, "dropout: probability must be in [0, 1], got \(p)")
  guard training, p > 0 else { return input }
  let scale: Float = p == 1 ? 0 : 1 / (1 - p)
  var mask = Tensor(uninitializedShape: input.shape)
  mask.withUnsafeMutableBufferPointer { buffer in
    for i in buffer.indices { buffer[i] = generator.nextUnitFloat() < p ? 0 : scale }
  }
  return Variable.makeOutput(input.value * mask, name: "dropout", inputs: [input], traced: .random("dropout"))
  { [mask] gradient in
    [gradient * mask]
  }
}
