import ConvNetAutograd
import ConvNetTensor

/// Scales the gradients of `parameters` down so that their joint L2 norm is at most `maxNorm`
/// — PyTorch's `torch.nn.utils.clip_grad_norm_(parameters, max_norm)`: the norm is taken over
/// all gradients together, and when it exceeds `maxNorm` every gradient is multiplied by
/// maxNorm / (norm + 1e-6). Recurrent networks need it: backpropagation through many time
/// steps occasionally makes one huge gradient that would throw the weights far off.
///
/// Parameters without a gradient are skipped.
/// - Returns: the norm before clipping.
@discardableResult
public func clipGradientNorm(_ parameters: [Variable], maxNorm: Float) -> Float {
  var squares: Double = 0
  for parameter in parameters {
    guard let gradient = parameter.grad else { continue }
    gradient.withUnsafeBufferPointer { values in
      for value in values { squares += Double(value) * Double(value) }
    }
  }
  let norm = Float(squares.squareRoot())
  let scale = maxNorm / (norm + 1e-6)
  guard scale < 1 else { return norm }
  for parameter in parameters {
    guard let gradient = parameter.grad else { continue }
    parameter.grad = gradient * scale
  }
  return norm
}
