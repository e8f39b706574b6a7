import ConvNetTensor

/// `input` with `pads[i].before` elements of `value` added before axis i and `pads[i].after`
/// after it (ONNX `Pad` in constant mode, PyTorch's `F.pad(mode="constant")` with its pairs in
/// axis order). A negative pad removes that many elements instead (a crop). `pads` has one
/// pair per axis. The backward is the gradient of the window that came from the input (zero
/// for cropped elements).
public func padded(_ input: Variable, pads: [(before: Int, after: Int)], value: Float = 0) -> Variable {
  let inputShape = input.shape
  let rank = inputShape.count
  precondition(pads.count == rank, "padded: \(pads.count) pad pairs for the \(rank) axes of \(inputShape)")
  let shape = zip(inputShape, pads).map { $0 + $1.before + $1.after }
  precondition(shape.allSatisfy { $0 >= 0 }, "padded: pads \(pads) crop more than \(inputShape) holds")
  // The window of the input that survives, in input coordinates, and where it lands.
  let low = pads.map { max(0, -$0.before) }
  let window = (0..<rank).map { max(0, min(inputShape[$0], inputShape[$0] + pads[$0].after) - low[$0]) }
  let (inputStrides, outputStrides) = (contiguousStrides(inputShape), contiguousStrides(shape))
  var inputOffset = 0
  var outputOffset = 0
  for axis in 0..<rank {
    inputOffset += low[axis] * inputStrides[axis]
    outputOffset += (low[axis] + pads[axis].before) * outputStrides[axis]
  }
  var output = Tensor(shape: shape, repeating: value)
  stridedCopy(
    shape: window, from: input.value.readOnlyElements, offset: inputOffset, strides: inputStrides,
    to: output.uniqueElements(), offset: outputOffset, strides: outputStrides)
  return Variable.makeOutput(output, name: "pad", inputs: [input]) { gradient in
    var inputGradient = Tensor.zeros(inputShape)
    stridedCopy(
      shape: window, from: gradient.readOnlyElements, offset: outputOffset, strides: outputStrides,
      to: inputGradient.uniqueElements(), offset: inputOffset, strides: inputStrides)
    return [inputGradient]
  }
}
