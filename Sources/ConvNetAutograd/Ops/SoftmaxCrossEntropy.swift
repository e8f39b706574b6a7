import ConvNetKernels
import ConvNetTensor

/// Softmax cross-entropy of logits [N, classes] against class indices, averaged over the
/// batch, with label smoothing ε: log-softmax and the negative log-likelihood fused, so the
/// gradient is (softmax(x) − q)/N with q = (1 − ε)·onehot + ε/C. The arithmetic is
/// `softmaxCrossEntropyForward` / `…Backward` (ConvNetKernels). ConvNetNN's `crossEntropy` is
/// the user-facing name.
public func softmaxCrossEntropy(_ logits: Variable, labels: [Int], labelSmoothing: Float = 0) -> Variable {
  let x = logits.value
  precondition(x.rank == 2, "crossEntropy: expects logits [N, classes], got \(x.shape)")
  let batch = x.shape[0]
  let classes = x.shape[1]
  precondition(labels.count == batch, "crossEntropy: \(labels.count) labels for a batch of \(batch)")
  precondition(batch > 0, "crossEntropy: empty batch")
  precondition(labelSmoothing >= 0 && labelSmoothing <= 1, "crossEntropy: label smoothing must be in [0, 1]")
  for label in labels {
    precondition(label >= 0 && label < classes, "crossEntropy: label \(label) outside 0..<\(classes)")
  }
  var logProbabilities = Tensor(uninitializedShape: x.shape)
  let loss = softmaxCrossEntropyForward(
    logits: x.readOnlyElements, labels: labels, logProbabilities: logProbabilities.uniqueElements(),
    batch: batch, classes: classes, labelSmoothing: labelSmoothing)
  return Variable.makeOutput(Tensor(loss), name: "cross_entropy", inputs: [logits]) {
    [logProbabilities] gradient in
    var gradLogits = Tensor(uninitializedShape: x.shape)
    softmaxCrossEntropyBackward(
      logProbabilities: logProbabilities.readOnlyElements, labels: labels, gradOutput: gradient.scalar,
      gradLogits: gradLogits.uniqueElements(), batch: batch, classes: classes,
      labelSmoothing: labelSmoothing)
    return [gradLogits]
  }
}
