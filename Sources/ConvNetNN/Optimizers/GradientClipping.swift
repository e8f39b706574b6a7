import ConvNetAutograd
import ConvNetTensor

/// Clipping by global norm, as PyTorch's `torch.nn.utils.clip_grad_norm_(parameters, max_norm)`
/// (2-norm): the gradients of all `parameters` are treated as one vector g; when ‖g‖ exceeds
/// `maxNorm` every gradient is scaled by `maxNorm / (‖g‖ + 1e-6)`, so the direction is kept and
/// the step of the optimiser that follows is bounded. Recurrent networks need it: backward
/// through time multiplies by the same recurrent matrix at every step, and a gradient that
/// explodes once undoes the training so far.
///
/// Parameters without a gradient (frozen, or not reached by `backward()`) are left out, as in
/// PyTorch. The norm is summed in Double.
/// - Parameter maxNorm: the largest norm let through, > 0.
/// - Returns: ‖g‖ before clipping (PyTorch's return value), useful to watch in a log.
@discardableResult
public func clipGradientNorm(_ parameters: [Variable], maxNorm: Float) -> Float {
  precondition(maxNorm > 0, "clipGradientNorm: maxNorm must be positive, got \(maxNorm)")
  var squares: Double = 0
  for parameter in parameters {
    guard let gradient = parameter.grad else { continue }
    let values = gradient.readOnlyElements
    for index in 0..<gradient.count { squares += Double(values[index]) * Double(values[index]) }
  }
  let norm = Float(squares.squareRoot())
  // PyTorch: clip_coef = max_norm / (total_norm + 1e-6), clamped to at most 1.
  let coefficient = maxNorm / (norm + 1e-6)
  guard coefficient < 1 else { return norm }
  for parameter in parameters {
    guard let gradient = parameter.grad else { continue }
    parameter.grad = gradient * coefficient
  }
  return norm
}
