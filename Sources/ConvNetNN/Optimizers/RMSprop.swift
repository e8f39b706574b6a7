import ConvNetAutograd
import ConvNetTensor

/// RMSprop with optional momentum, centring and L2 weight decay, exactly as PyTorch's
/// `torch.optim.RMSprop` (ε is added after the square root, unlike TensorFlow).
///
/// For each parameter p with gradient ∇, learning rate γ, smoothing α, weight decay λ and
/// momentum μ:
///
///     g ← ∇ + λ·p
///     v ← α·v + (1 − α)·g²
///     centered: ḡ ← α·ḡ + (1 − α)·g;  s = v − ḡ²      else s = v
///     μ > 0:    b ← μ·b + g / (√s + ε);  p ← p − γ·b
///     else:     p ← p − γ · g / (√s + ε)
///
/// State: "i.square_avg" (v), with μ > 0 "i.momentum_buffer" (b), when centered "i.grad_avg"
/// (ḡ); all start at zero on the parameter's first step.
public final class RMSprop: Optimizer {
  public let parameters: [Variable]
  /// γ.
  public var learningRate: Float
  /// α: the smoothing constant of the running averages.
  public let alpha: Float
  /// ε, added to √s.
  public let epsilon: Float
  /// λ: L2 penalty coefficient, added to the gradient as λ·p.
  public let weightDecay: Float
  /// μ; 0 turns momentum off.
  public let momentum: Float
  /// Whether to normalise by the variance estimate v − ḡ² instead of v.
  public let centered: Bool

  private struct ParameterState {
    var squareAverage: Tensor
    var momentumBuffer: Tensor?
    var gradientAverage: Tensor?
  }

  /// nil until that parameter's first step.
  private var states: [ParameterState?]
  private let layout: OptimizerStateLayout

  /// - Parameters:
  ///   - parameters: the variables to update; frozen ones (`requiresGrad == false`) are skipped.
  ///   - learningRate: γ ≥ 0 (default 0.01).
  ///   - alpha: α ≥ 0 (default 0.99).
  ///   - epsilon: ε ≥ 0 (default 1e-8).
  ///   - weightDecay: λ ≥ 0 (default 0).
  ///   - momentum: μ ≥ 0 (default 0).
  ///   - centered: centred RMSprop (default false).
  public init(
    parameters: [Variable], learningRate: Float = 0.01, alpha: Float = 0.99,
    epsilon: Float = 1e-8, weightDecay: Float = 0, momentum: Float = 0, centered: Bool = false
  ) {
    precondition(learningRate >= 0, "RMSprop: invalid learning rate \(learningRate)")
    precondition(alpha >= 0, "RMSprop: invalid alpha \(alpha)")
    precondition(epsilon >= 0, "RMSprop: invalid epsilon \(epsilon)")
    precondition(weightDecay >= 0, "RMSprop: invalid weight decay \(weightDecay)")
    precondition(momentum >= 0, "RMSprop: invalid momentum \(momentum)")
    self.parameters = parameters
    self.learningRate = learningRate
    self.alpha = alpha
    self.epsilon = epsilon
    self.weightDecay = weightDecay
    self.momentum = momentum
    self.centered = centered
    self.states = Array(repeating: nil, count: parameters.count)
    self.layout = OptimizerStateLayout(
      optimizerName: "RMSprop",
      bufferNames: ["square_avg"] + (momentum > 0 ? ["momentum_buffer"] : [])
        + (centered ? ["grad_avg"] : []),
      hasStepCount: false)
  }

  public func step() {
    for (index, parameter) in parameters.enumerated() {
      guard let gradient = gradientToApply(to: parameter, index: index, optimizer: "RMSprop")
      else { continue }
      // Taken out of the array while updating, so that its tensors are uniquely referenced.
      var state =
        states[index].take()
        ?? ParameterState(
          squareAverage: .zeros(parameter.shape),
          momentumBuffer: momentum > 0 ? .zeros(parameter.shape) : nil,
          gradientAverage: centered ? .zeros(parameter.shape) : nil)
      let squareAverage = state.squareAverage.uniqueElements()
      let momentumBuffer = state.momentumBuffer?.uniqueElements()
      let gradientAverage = state.gradientAverage?.uniqueElements()
      let weights = parameter.value.uniqueElements()
      gradient.withUnsafeBufferPointer { gradientElements in
        rmspropUpdate(
          weights: weights, gradient: gradientElements, squareAverage: squareAverage,
          momentumBuffer: momentumBuffer, gradientAverage: gradientAverage,
          learningRate: learningRate, alpha: alpha, epsilon: epsilon, weightDecay: weightDecay,
          momentum: momentum)
      }
      states[index] = state
    }
  }

  public func stateTensors() -> [String: Tensor] {
    layout.flatten(
      states.map { state in
        state.map { state in
          var entries: [String: Tensor] = ["square_avg": state.squareAverage]
          entries["momentum_buffer"] = state.momentumBuffer
          entries["grad_avg"] = state.gradientAverage
          return entries
        }
      })
  }

  public func loadState(_ state: [String: Tensor]) throws {
    let entries = try layout.split(state, parameters: parameters)
    // `split` has checked that every name of the layout (and no other) is present.
    states = entries.map { entries in
      entries.flatMap { entries in
        entries["square_avg"].map { squareAverage in
          ParameterState(
            squareAverage: squareAverage, momentumBuffer: entries["momentum_buffer"],
            gradientAverage: entries["grad_avg"])
        }
      }
    }
  }
}

/// One fused pass of the update documented on `RMSprop`. The optional buffers are present
/// exactly when momentum / centring are on. One straight loop per variant, chosen outside the
/// loops; allocates nothing. Like Adam's, these loops stay scalar because of `squareRoot()` (see
/// `adamUpdate`).
private func rmspropUpdate(
  weights: UnsafeMutablePointer<Float>, gradient: UnsafeBufferPointer<Float>,
  squareAverage: UnsafeMutablePointer<Float>, momentumBuffer: UnsafeMutablePointer<Float>?,
  gradientAverage: UnsafeMutablePointer<Float>?, learningRate: Float, alpha: Float,
  epsilon: Float, weightDecay: Float, momentum: Float
) {
  let count = gradient.count
  switch (gradientAverage, momentumBuffer) {
  case (nil, nil):
    for i in 0..<count {
      let g = gradient[i] + weightDecay * weights[i]
      let v = alpha * squareAverage[i] + (1 - alpha) * g * g
      squareAverage[i] = v
      weights[i] -= learningRate * (g / (v.squareRoot() + epsilon))
    }
  case (nil, let momentumBuffer?):
    for i in 0..<count {
      let g = gradient[i] + weightDecay * weights[i]
      let v = alpha * squareAverage[i] + (1 - alpha) * g * g
      squareAverage[i] = v
      let buffer = momentum * momentumBuffer[i] + g / (v.squareRoot() + epsilon)
      momentumBuffer[i] = buffer
      weights[i] -= learningRate * buffer
    }
  case (let gradientAverage?, nil):
    for i in 0..<count {
      let g = gradient[i] + weightDecay * weights[i]
      let v = alpha * squareAverage[i] + (1 - alpha) * g * g
      let mean = alpha * gradientAverage[i] + (1 - alpha) * g
      squareAverage[i] = v
      gradientAverage[i] = mean
      weights[i] -= learningRate * (g / ((v - mean * mean).squareRoot() + epsilon))
    }
  case (let gradientAverage?, let momentumBuffer?):
    for i in 0..<count {
      let g = gradient[i] + weightDecay * weights[i]
      let v = alpha * squareAverage[i] + (1 - alpha) * g * g
      let mean = alpha * gradientAverage[i] + (1 - alpha) * g
      squareAverage[i] = v
      gradientAverage[i] = mean
      let buffer = momentum * momentumBuffer[i] + g / ((v - mean * mean).squareRoot() + epsilon)
      momentumBuffer[i] = buffer
      weights[i] -= learningRate * buffer
    }
  }
}
