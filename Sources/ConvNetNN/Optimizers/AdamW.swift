import ConvNetAutograd
import ConvNetTensor

/// Adam with decoupled weight decay (Loshchilov & Hutter), exactly as PyTorch's
/// `torch.optim.AdamW`.
///
/// For each parameter p with gradient ∇ and its own step count t (starting at 1):
///
///     p ← p · (1 − γ·λ)               decay first, outside the moments
///     m ← β1·m + (1 − β1)·∇
///     v ← β2·v + (1 − β2)·∇²
///     AMSGrad: v_max ← max(v_max, v), then use v_max for v below
///     m̂ = m / (1 − β1^t),  v̂ = v / (1 − β2^t)
///     p ← p − γ · m̂ / (√v̂ + ε)
///
/// State: as `Adam` — "i.step", "i.exp_avg", "i.exp_avg_sq", with AMSGrad "i.max_exp_avg_sq".
public final class AdamW: Optimizer {
  public let parameters: [Variable]
  /// γ.
  public var learningRate: Float
  public let beta1: Float
  public let beta2: Float
  /// ε, added to √v̂.
  public let epsilon: Float
  /// λ: each step multiplies p by 1 − γ·λ before the Adam update.
  public let weightDecay: Float
  public var amsgrad: Bool { moments.amsgrad }

  private var moments: AdamMoments

  /// - Parameters:
  ///   - parameters: the variables to update; frozen ones (`requiresGrad == false`) are skipped.
  ///   - learningRate: γ ≥ 0 (default 0.001).
  ///   - beta1: β1 in [0, 1) (default 0.9).
  ///   - beta2: β2 in [0, 1) (default 0.999).
  ///   - epsilon: ε ≥ 0 (default 1e-8).
  ///   - weightDecay: λ ≥ 0 (default 0.01, PyTorch's AdamW default).
  ///   - amsgrad: keep and use the maximum of v (default false).
  public init(
    parameters: [Variable], learningRate: Float = 0.001, beta1: Float = 0.9,
    beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0.01, amsgrad: Bool = false
  ) {
    validateAdamHyperparameters(
      "AdamW", learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
      weightDecay: weightDecay)
    self.parameters = parameters
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.weightDecay = weightDecay
    self.moments = AdamMoments(
      optimizerName: "AdamW", parameterCount: parameters.count, amsgrad: amsgrad)
  }

  public func step() {
    moments.step(
      parameters: parameters, learningRate: learningRate, beta1: beta1, beta2: beta2,
      epsilon: epsilon, l2Penalty: 0, decoupledDecay: weightDecay)
  }

  public func zeroGradients() {
    for parameter in parameters { parameter.grad = nil }
  }

  public func stateTensors() -> [String: Tensor] { moments.stateTensors() }

  public func loadState(_ state: [String: Tensor]) throws {
    try moments.loadState(state, parameters: parameters)
  }
}
