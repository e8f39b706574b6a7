import ConvNetAutograd
import ConvNetTensor

/// Updates parameters from their accumulated gradients, with PyTorch's `torch.optim` semantics.
///
/// Parameters are given at initialisation as `[Variable]`. A parameter whose `requiresGrad` is
/// false, or whose `grad` is nil, is skipped by `step()` — its value and its optimiser state
/// (including any step count) stay untouched, as PyTorch skips `p.grad is None`.
///
/// A training step is `optimizer.zeroGradients(); loss.backward(); optimizer.step()`. A
/// `LearningRateSchedule` is applied by assigning
/// `optimizer.learningRate = schedule.learningRate(at: epoch)` at the start of each epoch.
public protocol Optimizer: AnyObject {
  /// The variables this optimiser updates, in the order its state is indexed ("0.…", "1.…").
  var parameters: [Variable] { get }

  /// The step size γ used by the next `step()`; assignable, e.g. from a schedule.
  var learningRate: Float { get set }

  /// Applies one update to every parameter that has a gradient.
  func step()

  /// Sets every parameter's `grad` to nil (PyTorch's `zero_grad(set_to_none=True)`), so the next
  /// `backward()` starts accumulating afresh.
  func zeroGradients()

  /// The per-parameter state needed to resume training exactly, keyed "index.name" with
  /// PyTorch's state names ("0.momentum_buffer", "3.exp_avg", "3.step", …). Buffers have their
  /// parameter's shape; step counts are rank-0 tensors. A parameter that has not been stepped yet
  /// has no entries. Hyperparameters (including the learning rate) are not part of the state.
  func stateTensors() -> [String: Tensor]

  /// Replaces the optimiser state with `state` (as produced by `stateTensors()` of an optimiser of
  /// the same kind and configuration over parameters of the same shapes).
  ///
  /// - Throws: `OptimizerStateError` naming the first unknown key, missing key, wrong shape or
  ///   invalid step count; the current state is left unchanged when it throws.
  func loadState(_ state: [String: Tensor]) throws
}

extension Optimizer {
  /// Every optimiser's `zeroGradients()`: gradients live on the parameters, not in the optimiser.
  public func zeroGradients() {
    for parameter in parameters { parameter.grad = nil }
  }
}

/// The gradient that `step()` applies to `parameter`, or nil when the parameter is skipped
/// (`requiresGrad == false` or no gradient yet) — the frozen-parameter rule of every optimiser.
func gradientToApply(to parameter: Variable, index: Int, optimizer: String) -> Tensor? {
  guard parameter.requiresGrad, let gradient = parameter.grad else { return nil }
  precondition(
    gradient.shape == parameter.shape,
    "\(optimizer).step: parameter \(index) has shape \(parameter.shape) but its gradient has "
      + "shape \(gradient.shape)")
  return gradient
}
