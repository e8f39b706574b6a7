import ConvNetAutograd
import ConvNetTensor

/// Adam with L2 weight decay and optional AMSGrad, exactly as PyTorch's `torch.optim.Adam`.
///
/// For each parameter p with gradient ∇ and its own step count t (starting at 1):
///
///     g ← ∇ + λ·p
///     m ← β1·m + (1 − β1)·g
///     v ← β2·v + (1 − β2)·g²
///     AMSGrad: v_max ← max(v_max, v), then use v_max for v below
///     m̂ = m / (1 − β1^t),  v̂ = v / (1 − β2^t)
///     p ← p − γ · m̂ / (√v̂ + ε)
///
/// (computed as PyTorch does: p ← p − (γ / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε)).
/// The weight decay here is an L2 penalty that passes through the moments; for decoupled weight
/// decay use `AdamW`, which is this class with the decay moved out of the moments (as PyTorch's
/// `AdamW` subclasses `Adam` with `decoupled_weight_decay=True`).
///
/// State: "i.step" (rank 0), "i.exp_avg" (m), "i.exp_avg_sq" (v), and with AMSGrad
/// "i.max_exp_avg_sq" (v_max).
public class Adam: Optimizer {
  public let parameters: [Variable]
  /// γ.
  public var learningRate: Float
  public let beta1: Float
  public let beta2: Float
  /// ε, added to √v̂.
  public let epsilon: Float
  /// λ: L2 penalty coefficient, added to the gradient as λ·p — or, when `decoupledWeightDecay`
  /// (`AdamW`), the rate at which each step shrinks p by the factor 1 − γ·λ.
  public let weightDecay: Float
  /// Whether the weight decay is AdamW's (p ← p·(1 − γ·λ) before the update, outside the
  /// moments) rather than Adam's L2 penalty.
  public let decoupledWeightDecay: Bool
  public var amsgrad: Bool { moments.amsgrad }

  private var moments: AdamMoments

  /// - Parameters:
  ///   - parameters: the variables to update; frozen ones (`requiresGrad == false`) are skipped.
  ///   - learningRate: γ ≥ 0 (default 0.001).
  ///   - beta1: β1 in [0, 1) (default 0.9).
  ///   - beta2: β2 in [0, 1) (default 0.999).
  ///   - epsilon: ε ≥ 0 (default 1e-8).
  ///   - weightDecay: λ ≥ 0 (default 0).
  ///   - amsgrad: keep and use the maximum of v (default false).
  public convenience init(
    parameters: [Variable], learningRate: Float = 0.001, beta1: Float = 0.9,
    beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0, amsgrad: Bool = false
  ) {
    self.init(
      name: "Adam", parameters: parameters, learningRate: learningRate, beta1: beta1, beta2: beta2,
      epsilon: epsilon, weightDecay: weightDecay, decoupledWeightDecay: false, amsgrad: amsgrad)
  }

  /// Both optimisers' initialiser; `name` ("Adam" or "AdamW") is the one their messages use.
  init(
    name: String, parameters: [Variable], learningRate: Float, beta1: Float, beta2: Float,
    epsilon: Float, weightDecay: Float, decoupledWeightDecay: Bool, amsgrad: Bool
  ) {
    precondition(learningRate >= 0, "\(name): invalid learning rate \(learningRate)")
    precondition(beta1 >= 0 && beta1 < 1, "\(name): invalid beta1 \(beta1), need 0 ≤ β1 < 1")
    precondition(beta2 >= 0 && beta2 < 1, "\(name): invalid beta2 \(beta2), need 0 ≤ β2 < 1")
    precondition(epsilon >= 0, "\(name): invalid epsilon \(epsilon)")
    precondition(weightDecay >= 0, "\(name): invalid weight decay \(weightDecay)")
    self.parameters = parameters
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.weightDecay = weightDecay
    self.decoupledWeightDecay = decoupledWeightDecay
    self.moments = AdamMoments(optimizerName: name, parameterCount: parameters.count, amsgrad: amsgrad)
  }

  public func step() {
    moments.step(
      parameters: parameters, learningRate: learningRate, beta1: beta1, beta2: beta2,
      epsilon: epsilon, l2Penalty: decoupledWeightDecay ? 0 : weightDecay,
      decoupledDecay: decoupledWeightDecay ? weightDecay : 0)
  }

  public func stateTensors() -> [String: Tensor] { moments.stateTensors() }

  public func loadState(_ state: [String: Tensor]) throws {
    try moments.loadState(state, parameters: parameters)
  }
}
