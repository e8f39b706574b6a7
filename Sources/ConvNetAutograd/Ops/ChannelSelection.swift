import ConvNetTensor

/// The channels `indices` of x [N, C, …], in that order: [N, indices.count, …]. Used by
/// connection-table convolutions (LeNet-5's C3), where each output map sees a subset of the
/// input maps. The gradient adds each output channel's gradient back into the channel it was
/// copied from (an index listed twice receives both).
public func selectChannels(_ input: Variable, indices: [Int]) -> Variable {
  let x = input.value
  precondition(x.rank >= 2, "selectChannels: expects [N, C, …], got \(x.shape)")
  let channels = x.shape[1]
  precondition(
    indices.allSatisfy { 0 <= $0 && $0 < channels },
    "selectChannels: indices \(indices) out of range for \(channels) channels")
  let batch = x.shape[0]
  let inner = Tensor.elementCount(of: Array(x.shape.dropFirst(2)))
  var outputShape = x.shape
  outputShape[1] = indices.count
  var output = Tensor(uninitializedShape: outputShape)
  let out = output.uniqueElements()
  let values = x.readOnlyElements
  for n in 0..<batch {
    for (slot, channel) in indices.enumerated() {
      (out + (n * indices.count + slot) * inner).update(
        from: values + (n * channels + channel) * inner, count: inner)
    }
  }
  return Variable.makeOutput(
    output, name: "select_channels", inputs: [input], traced: .selectChannels(indices)
  ) { gradient in
    var gradInput = Tensor.zeros(x.shape)
    let gradInputElements = gradInput.uniqueElements()
    let gradOutput = gradient.readOnlyElements
    for n in 0..<batch {
      for (slot, channel) in indices.enumerated() {
        let source = gradOutput + (n * indices.count + slot) * inner
        let target = gradInputElements + (n * channels + channel) * inner
        for i in 0..<inner { target[i] += source[i] }
      }
    }
    return [gradInput]
  }
}
