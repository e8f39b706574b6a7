import ConvNetAutograd
import ConvNetTensor

/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay,
/// exactly as PyTorch's `torch.optim.SGD`.
///
/// For each parameter p with gradient ∇, with learning rate γ, weight decay λ, momentum μ and
/// dampening τ:
///
///     g ← ∇ + λ·p
///     if μ ≠ 0:
///       b ← g                      on this parameter's first step
///       b ← μ·b + (1 − τ)·g         afterwards
///       g ← nesterov ? g + μ·b : b
///     p ← p − γ·g
///
/// State: "i.momentum_buffer" (b, shaped like parameter i) when μ ≠ 0; none otherwise.
public final class SGD: Optimizer {
  public let parameters: [Variable]
  /// γ.
  public var learningRate: Float
  /// μ; 0 turns momentum off.
  public let momentum: Float
  /// τ: the fraction of each new gradient left out of the momentum buffer (after step 1).
  public let dampening: Float
  /// λ: L2 penalty coefficient, added to the gradient as λ·p.
  public let weightDecay: Float
  public let nesterov: Bool

  /// b per parameter; nil until that parameter's first step (or always, when μ = 0).
  private var momentumBuffers: [Tensor?]
  private let layout: OptimizerStateLayout

  /// - Parameters:
  ///   - parameters: the variables to update; frozen ones (`requiresGrad == false`) are skipped.
  ///   - learningRate: γ ≥ 0 (PyTorch's default 0.001).
  ///   - momentum: μ ≥ 0.
  ///   - dampening: τ.
  ///   - weightDecay: λ ≥ 0.
  ///   - nesterov: use g + μ·b instead of b; requires μ > 0 and τ = 0.
  public init(
    parameters: [Variable], learningRate: Float = 0.001, momentum: Float = 0,
    dampening: Float = 0, weightDecay: Float = 0, nesterov: Bool = false
  ) {
    precondition(learningRate >= 0, "SGD: invalid learning rate \(learningRate)")
    precondition(momentum >= 0, "SGD: invalid momentum \(momentum)")
    precondition(weightDecay >= 0, "SGD: invalid weight decay \(weightDecay)")
    precondition(
      !nesterov || (momentum > 0 && dampening == 0),
      "SGD: Nesterov momentum requires momentum > 0 and dampening 0 "
        + "(got momentum \(momentum), dampening \(dampening))")
    self.parameters = parameters
    self.learningRate = learningRate
    self.momentum = momentum
    self.dampening = dampening
    self.weightDecay = weightDecay
    self.nesterov = nesterov
    self.momentumBuffers = Array(repeating: nil, count: parameters.count)
    self.layout = OptimizerStateLayout(
      optimizerName: "SGD", bufferNames: momentum != 0 ? ["momentum_buffer"] : [],
      hasStepCount: false)
  }

  public func step() {
    for (index, parameter) in parameters.enumerated() {
      guard let gradient = gradientToApply(to: parameter, index: index, optimizer: "SGD") else {
        continue
      }
      // Taken out of the array while updating, so that it is uniquely referenced (no copy).
      var buffer: Tensor? = nil
      var isFirstStep = false
      if momentum != 0 {
        buffer = momentumBuffers[index].take()
        if buffer == nil {
          buffer = Tensor.zeros(parameter.shape)
          isFirstStep = true
        }
      }
      let bufferElements = buffer?.uniqueElements()
      let weights = parameter.value.uniqueElements()
      gradient.withUnsafeBufferPointer { gradientElements in
        // b ← 0·0 + 1·g on the first step is exactly PyTorch's b ← g.
        sgdUpdate(
          weights: weights, gradient: gradientElements, momentumBuffer: bufferElements,
          learningRate: learningRate, weightDecay: weightDecay, momentum: momentum,
          bufferDecay: isFirstStep ? 0 : momentum, gradientScale: isFirstStep ? 1 : 1 - dampening,
          nesterov: nesterov)
      }
      momentumBuffers[index] = buffer
    }
  }

  public func stateTensors() -> [String: Tensor] {
    layout.flatten(momentumBuffers.map { buffer in buffer.map { ["momentum_buffer": $0] } })
  }

  public func loadState(_ state: [String: Tensor]) throws {
    let entries = try layout.split(state, parameters: parameters)
    momentumBuffers = entries.map { $0?["momentum_buffer"] }
  }
}

/// One fused pass over a parameter: p ← p − γ·u with d = ∇ + λ·p and, when a momentum buffer is
/// given, b ← bufferDecay·b + gradientScale·d and u = nesterov ? d + μ·b : b (else u = d).
///
/// One straight loop per variant, with the choice made outside the loops, so that each loop
/// vectorises (a branch inside the loop body is not hoisted by the compiler and blocks it).
/// Allocates nothing.
private func sgdUpdate(
  weights: UnsafeMutablePointer<Float>, gradient: UnsafeBufferPointer<Float>,
  momentumBuffer: UnsafeMutablePointer<Float>?, learningRate: Float, weightDecay: Float,
  momentum: Float, bufferDecay: Float, gradientScale: Float, nesterov: Bool
) {
  let count = gradient.count
  guard let momentumBuffer else {
    for i in 0..<count {
      weights[i] -= learningRate * (gradient[i] + weightDecay * weights[i])
    }
    return
  }
  if nesterov {
    for i in 0..<count {
      let decayed = gradient[i] + weightDecay * weights[i]
      let buffer = bufferDecay * momentumBuffer[i] + gradientScale * decayed
      momentumBuffer[i] = buffer
      weights[i] -= learningRate * (decayed + momentum * buffer)
    }
  } else {
    for i in 0..<count {
      let decayed = gradient[i] + weightDecay * weights[i]
      let buffer = bufferDecay * momentumBuffer[i] + gradientScale * decayed
      momentumBuffer[i] = buffer
      weights[i] -= learningRate * buffer
    }
  }
}
