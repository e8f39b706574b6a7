import ConvNetAutograd
import ConvNetTensor

/// Softmax cross-entropy of logits [N, C] against class indices, averaged over the batch —
/// PyTorch's `cross_entropy(logits, labels, label_smoothing: ε)`.
///
/// With smoothing the target distribution is q = (1 − ε)·onehot + ε/C, and the loss per
/// sample is −Σ_c q_c·log softmax(x)_c. The gradient with respect to the logits is
/// (softmax(x) − q) / N, computed in one fused pass (the autograd op `softmaxCrossEntropy`).
public func crossEntropy(logits: Variable, labels: [Int], labelSmoothing: Float = 0) -> Variable {
  softmaxCrossEntropy(logits, labels: labels, labelSmoothing: labelSmoothing)
}
