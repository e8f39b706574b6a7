import ConvNetKernels
import ConvNetTensor

/// Binary cross-entropy of sigmoid(logits) against targets in [0, 1], averaged over all
/// elements, in the stable form max(x, 0) − x·y + log(1 + e^(−|x|)); gradient (σ(x) − y)/count.
/// Only the logits are differentiated. The arithmetic is `sigmoidCrossEntropyForward` /
/// `…Backward` (ConvNetKernels). ConvNetNN's `binaryCrossEntropyWithLogits` is the user-facing
/// name.
public func sigmoidCrossEntropy(_ logits: Variable, target: Tensor) -> Variable {
  precondition(
    logits.shape == target.shape,
    "binaryCrossEntropyWithLogits: logits \(logits.shape) and target \(target.shape) differ")
  let x = logits.value
  let loss = sigmoidCrossEntropyForward(
    logits: x.readOnlyElements, target: target.readOnlyElements, count: x.count)
  return Variable.makeOutput(Tensor(loss), name: "bce_with_logits", inputs: [logits]) { gradient in
    var gradLogits = Tensor(uninitializedShape: x.shape)
    sigmoidCrossEntropyBackward(
      logits: x.readOnlyElements, target: target.readOnlyElements, gradOutput: gradient.scalar,
      gradLogits: gradLogits.uniqueElements(), count: x.count)
    return [gradLogits]
  }
}
