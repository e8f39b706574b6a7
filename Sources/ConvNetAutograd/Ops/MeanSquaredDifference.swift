import ConvNetKernels
import ConvNetTensor

/// mean((prediction − target)²) over all elements; only the prediction is differentiated. The
/// arithmetic is `meanSquaredDifferenceForward` / `…Backward` (ConvNetKernels). ConvNetNN's
/// `meanSquaredError` is the user-facing name.
public func meanSquaredDifference(_ prediction: Variable, target: Tensor) -> Variable {
  precondition(
    prediction.shape == target.shape,
    "meanSquaredError: prediction \(prediction.shape) and target \(target.shape) differ")
  let p = prediction.value
  let loss = meanSquaredDifferenceForward(
    prediction: p.readOnlyElements, target: target.readOnlyElements, count: p.count)
  return Variable.makeOutput(Tensor(loss), name: "mse", inputs: [prediction]) { gradient in
    var gradPrediction = Tensor(uninitializedShape: p.shape)
    meanSquaredDifferenceBackward(
      prediction: p.readOnlyElements, target: target.readOnlyElements, gradOutput: gradient.scalar,
      gradPrediction: gradPrediction.uniqueElements(), count: p.count)
    return [gradPrediction]
  }
}
