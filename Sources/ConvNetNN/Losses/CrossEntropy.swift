import ConvNetAutograd
import ConvNetTensor
import Foundation

/// Softmax cross-entropy of logits [N, C] against class indices, averaged over the batch —
/// PyTorch's `cross_entropy(logits, labels, label_smoothing: ε)`.
///
/// With smoothing the target distribution is q = (1 − ε)·onehot + ε/C, and the loss per
/// sample is −Σ_c q_c·log softmax(x)_c. The gradient with respect to the logits is
/// (softmax(x) − q) / N, computed in one fused pass.
public func crossEntropy(logits: Variable, labels: [Int], labelSmoothing: Float = 0) -> Variable {
  let x = logits.value
  precondition(x.rank == 2, "crossEntropy: expects logits [N, classes], got \(x.shape)")
  let batch = x.shape[0]
  let classes = x.shape[1]
  precondition(labels.count == batch, "crossEntropy: \(labels.count) labels for a batch of \(batch)")
  precondition(batch > 0, "crossEntropy: empty batch")
  precondition(labelSmoothing >= 0 && labelSmoothing <= 1, "crossEntropy: label smoothing must be in [0, 1]")
  let logProbabilities = logSoftmaxValues(x, axis: 1)
  let logp = logProbabilities.storage.pointer
  let offTarget = labelSmoothing / Float(classes)
  let onTarget = 1 - labelSmoothing + offTarget
  var total = 0.0
  for n in 0..<batch {
    let label = labels[n]
    precondition(label >= 0 && label < classes, "crossEntropy: label \(label) outside 0..<\(classes)")
    if labelSmoothing == 0 {
      total -= Double(logp[n * classes + label])
    } else {
      var sample: Float = 0
      for c in 0..<classes { sample -= (c == label ? onTarget : offTarget) * logp[n * classes + c] }
      total += Double(sample)
    }
  }
  let loss = Tensor(Float(total / Double(batch)))
  return Variable.makeOutput(loss, name: "cross_entropy", inputs: [logits]) { gradient in
    let scale = gradient.scalar / Float(batch)
    let gradLogits = Tensor(uninitializedShape: x.shape)
    let g = gradLogits.storage.pointer
    let logp = logProbabilities.storage.pointer  // captured tensor keeps the memory alive
    for n in 0..<batch {
      for c in 0..<classes {
        let target = c == labels[n] ? onTarget : offTarget
        g[n * classes + c] = (exp(logp[n * classes + c]) - target) * scale
      }
    }
    return [gradLogits]
  }
}
