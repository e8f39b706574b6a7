import ConvNetKernels
import ConvNetTensor

/// softmax along `axis` (default: the last). The arithmetic is `softmaxForward` /
/// `softmaxBackward` (ConvNetKernels); the backward reads the saved output.
public func softmax(_ input: Variable, axis: Int = -1) -> Variable {
  let x = input.value
  let layout = SoftmaxLayout(shape: x.shape, axis: axis)
  var output = Tensor(uninitializedShape: x.shape)
  softmaxForward(input: x.readOnlyElements, output: output.uniqueElements(), layout: layout)
  return Variable.makeOutput(output, name: "softmax", inputs: [input], traced: .softmax(axis: axis)) {
    [output] gradient in
    var gradInput = Tensor(uninitializedShape: x.shape)
    softmaxBackward(
      output: output.readOnlyElements, gradOutput: gradient.readOnlyElements,
      gradInput: gradInput.uniqueElements(), layout: layout)
    return [gradInput]
  }
}

/// log-softmax along `axis` (default: the last), stable for any magnitude. The arithmetic is
/// `logSoftmaxForward` / `logSoftmaxBackward` (ConvNetKernels).
public func logSoftmax(_ input: Variable, axis: Int = -1) -> Variable {
  let x = input.value
  let layout = SoftmaxLayout(shape: x.shape, axis: axis)
  var output = Tensor(uninitializedShape: x.shape)
  logSoftmaxForward(input: x.readOnlyElements, output: output.uniqueElements(), layout: layout)
  return Variable.makeOutput(output, name: "log_softmax", inputs: [input], traced: .logSoftmax(axis: axis)) {
    [output] gradient in
    var gradInput = Tensor(uninitializedShape: x.shape)
    logSoftmaxBackward(
      output: output.readOnlyElements, gradOutput: gradient.readOnlyElements,
      gradInput: gradInput.uniqueElements(), layout: layout)
    return [gradInput]
  }
}
