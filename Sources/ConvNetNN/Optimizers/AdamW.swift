import ConvNetAutograd

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
/// Everything but where λ enters is `Adam`'s (this class is `Adam` with `decoupledWeightDecay`),
/// including the state: "i.step", "i.exp_avg", "i.exp_avg_sq", with AMSGrad "i.max_exp_avg_sq".
public final class AdamW: Adam {
  /// The parameters are `Adam`'s, except for the default of `weightDecay`: λ ≥ 0 (default 0.01,
  /// PyTorch's AdamW default), by which each step multiplies p by 1 − γ·λ before the update.
  public init(
    parameters: [Variable], learningRate: Float = 0.001, beta1: Float = 0.9,
    beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0.01, amsgrad: Bool = false
  ) {
    super.init(
      name: "AdamW", parameters: parameters, learningRate: learningRate, beta1: beta1,
      beta2: beta2, epsilon: epsilon, weightDecay: weightDecay, decoupledWeightDecay: true,
      amsgrad: amsgrad)
  }
}
