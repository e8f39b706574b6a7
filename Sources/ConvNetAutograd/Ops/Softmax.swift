import ConvNetKernels
import ConvNetTensor

/// softmax along `axis` (default: the last). The arithmetic is `softmaxForward` /
/// `softmaxBackward` (ConvNetKernels); the backward reads the saved output.
public func softmax(_ input: Variable, axis: Int = -1) -> Variable {
  let x = input.value
  let layout = SoftmaxLayout(shape: x.shape, axis: axis)
  let output = Tensor(uninitializedShape: x.shape)
  softmaxForward(input: x.storage.pointer, output: output.storage.pointer, layout: layout)
  return Variable.makeOutput(output, name: "softmax", inputs: [input]) { gradient in
    let gradInput = Tensor(uninitializedShape: x.shape)
    softmaxBackward(
      output: output.storage.pointer, gradOutput: gradient.storage.pointer,
      gradInput: gradInput.storage.pointer, layout: layout)
    return [gradInput]
  }
}

/// log-softmax along `axis` (default: the last), stable for any magnitude. The arithmetic is
/// `logSoftmaxForward` / `logSoftmaxBackward` (ConvNetKernels).
public func logSoftmax(_ input: Variable, axis: Int = -1) -> Variable {
  let x = input.value
  let layout = SoftmaxLayout(shape: x.shape, axis: axis)
  let output = Tensor(uninitializedShape: x.shape)
  logSoftmaxForward(input: x.storage.pointer, output: output.storage.pointer, layout: layout)
  return Variable.makeOutput(output, name: "log_softmax", inputs: [input]) { gradient in
    let gradInput = Tensor(uninitializedShape: x.shape)
    logSoftmaxBackward(
      output: output.storage.pointer, gradOutput: gradient.storage.pointer,
      gradInput: gradInput.storage.pointer, layout: layout)
    return [gradInput]
  }
}
