import ConvNetTensor

/// Joins variables along `axis` (default 1: channels for NCHW); all other dimensions must agree.
public func concatenate(_ inputs: [Variable], axis: Int = 1) -> Variable {
  precondition(!inputs.isEmpty, "concatenate: needs at least one input")
  let first = inputs[0].shape
  let a = axis < 0 ? axis + first.count : axis
  var outputShape = first
  outputShape[a] = 0
  for input in inputs {
    var shape = input.shape
    shape[a] = first[a]
    precondition(shape == first, "concatenate: shape \(input.shape) does not match \(first) off axis \(a)")
    outputShape[a] += input.shape[a]
  }
  let outer = Tensor.elementCount(of: Array(first[..<a]))
  let inner = Tensor.elementCount(of: Array(first[(a + 1)...]))
  let sizes = inputs.map { $0.shape[a] }
  var output = Tensor(uninitializedShape: outputShape)
  let out = output.uniqueElements()
  let total = outputShape[a]
  var offset = 0
  for (input, size) in zip(inputs, sizes) {
    let source = input.value.readOnlyElements
    for o in 0..<outer {
      (out + (o * total + offset) * inner).update(
        from: source + o * size * inner, count: size * inner)
    }
    offset += size
  }
  return Variable.makeOutput(output, name: "concatenate", inputs: inputs, traced: .concatenate(axis: a)) {
    gradient in
    var gradients: [Tensor?] = []
    var start = 0
    let gradOutput = gradient.readOnlyElements
    for (input, size) in zip(inputs, sizes) {
      var part = Tensor(uninitializedShape: input.shape)
      let partElements = part.uniqueElements()
      for o in 0..<outer {
        partElements.advanced(by: o * size * inner).update(
          from: gradOutput + (o * total + start) * inner, count: size * inner)
      }
      gradients.append(part)
      start += size
    }
    return gradients
  }
}

/// Multiplies each channel of x [N, C, …] by a gate g [N, C] (squeeze-and-excitation).
public func scaleChannels(_ input: Variable, gates: Variable) -> Variable {
  let x = input.shape
  precondition(
    gates.shape == [x[0], x[1]] || gates.shape == [x[0], x[1]] + Array(repeating: 1, count: x.count - 2),
    "scaleChannels: gates \(gates.shape) do not match input \(x) (expects [N, C])")
  let broadcastShape = [x[0], x[1]] + Array(repeating: 1, count: x.count - 2)
  return input * gates.reshaped(broadcastShape)
}
