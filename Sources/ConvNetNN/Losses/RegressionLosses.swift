import ConvNetAutograd
import ConvNetTensor

/// Mean squared error: mean((prediction − target)²) over all elements (the autograd op
/// `meanSquaredDifference`).
public func meanSquaredError(_ prediction: Variable, target: Tensor) -> Variable {
  meanSquaredDifference(prediction, target: target)
}

/// Binary cross-entropy on logits, averaged over all elements:
/// mean(max(x, 0) − x·y + log(1 + e^(−|x|))), the numerically stable form of
/// −[y·log σ(x) + (1 − y)·log(1 − σ(x))]. Gradient: (σ(x) − y) / count (the autograd op
/// `sigmoidCrossEntropy`).
public func binaryCrossEntropyWithLogits(_ logits: Variable, target: Tensor) -> Variable {
  sigmoidCrossEntropy(logits, target: target)
}
