import ConvNetAutograd
import ConvNetTensor
import Foundation

/// Mean squared error: mean((prediction − target)²) over all elements.
public func meanSquaredError(_ prediction: Variable, target: Tensor) -> Variable {
  precondition(
    prediction.shape == target.shape,
    "meanSquaredError: prediction \(prediction.shape) and target \(target.shape) differ")
  let difference = prediction.value - target
  let count = Float(difference.count)
  let loss = Tensor((difference * difference).sum() / count)
  return Variable.makeOutput(loss, name: "mse", inputs: [prediction]) { gradient in
    [difference * (2 * gradient.scalar / count)]
  }
}

/// Binary cross-entropy on logits, averaged over all elements:
/// mean(max(x, 0) − x·y + log(1 + e^(−|x|))), the numerically stable form of
/// −[y·log σ(x) + (1 − y)·log(1 − σ(x))]. Gradient: (σ(x) − y) / count.
public func binaryCrossEntropyWithLogits(_ logits: Variable, target: Tensor) -> Variable {
  precondition(
    logits.shape == target.shape,
    "binaryCrossEntropyWithLogits: logits \(logits.shape) and target \(target.shape) differ")
  let x = logits.value
  let count = Float(x.count)
  let perElement = Tensor.zipWith(x, target) { v, y in max(v, 0) - v * y + log1p(exp(-abs(v))) }
  let loss = Tensor(perElement.sum() / count)
  return Variable.makeOutput(loss, name: "bce_with_logits", inputs: [logits]) { gradient in
    let scale = gradient.scalar / count
    return [Tensor.zipWith(x, target) { v, y in (1 / (1 + exp(-v)) - y) * scale }]
  }
}
