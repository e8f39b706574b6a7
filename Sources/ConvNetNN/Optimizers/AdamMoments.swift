import ConvNetAutograd
import ConvNetTensor
import Foundation

/// The state and the update shared by `Adam` and `AdamW`: per parameter a step count t, the
/// first moment m ("exp_avg"), the second moment v ("exp_avg_sq") and, with AMSGrad, the running
/// maximum of v ("max_exp_avg_sq") — PyTorch's state names.
///
/// The step count is per parameter, as in PyTorch: a parameter skipped on some steps (no
/// gradient) keeps its own t for the bias correction.
struct AdamMoments {
  struct ParameterState {
    var step: Int
    var exponentialAverage: Tensor
    var squaredAverage: Tensor
    var maxSquaredAverage: Tensor?
  }

  let optimizerName: String
  let amsgrad: Bool
  private let layout: OptimizerStateLayout
  /// nil until that parameter's first step.
  private var states: [ParameterState?]

  init(optimizerName: String, parameterCount: Int, amsgrad: Bool) {
    self.optimizerName = optimizerName
    self.amsgrad = amsgrad
    self.layout = OptimizerStateLayout(
      optimizerName: optimizerName,
      bufferNames: ["exp_avg", "exp_avg_sq"] + (amsgrad ? ["max_exp_avg_sq"] : []),
      hasStepCount: true)
    self.states = Array(repeating: nil, count: parameterCount)
  }

  /// One Adam step on every parameter that has a gradient. `l2Penalty` is Adam's weight decay
  /// (added to the gradient); `decoupledDecay` is AdamW's (p ← p·(1 − γ·λ) first). One of them
  /// is 0.
  mutating func step(
    parameters: [Variable], learningRate: Float, beta1: Float, beta2: Float, epsilon: Float,
    l2Penalty: Float, decoupledDecay: Float
  ) {
    for (index, parameter) in parameters.enumerated() {
      guard
        let gradient = gradientToApply(to: parameter, index: index, optimizer: optimizerName)
      else { continue }
      // Taken out of the array while updating, so that its tensors are uniquely referenced.
      var state =
        states[index].take()
        ?? ParameterState(
          step: 0, exponentialAverage: .zeros(parameter.shape),
          squaredAverage: .zeros(parameter.shape),
          maxSquaredAverage: amsgrad ? .zeros(parameter.shape) : nil)
      state.step += 1
      // Scalars in Double, as PyTorch computes them in Python floats.
      let t = Double(state.step)
      let biasCorrection1 = 1 - pow(Double(beta1), t)
      let biasCorrection2 = 1 - pow(Double(beta2), t)
      let scalars = AdamScalars(
        beta1: beta1, beta2: beta2, epsilon: epsilon, l2Penalty: l2Penalty,
        decayFactor: Float(1 - Double(learningRate) * Double(decoupledDecay)),
        stepSize: Float(Double(learningRate) / biasCorrection1),
        biasCorrection2SquareRoot: Float(biasCorrection2.squareRoot()))
      let firstMoment = state.exponentialAverage.uniqueElements()
      let secondMoment = state.squaredAverage.uniqueElements()
      let maxSecondMoment = state.maxSquaredAverage?.uniqueElements()
      let weights = parameter.value.uniqueElements()
      gradient.withUnsafeBufferPointer { gradientElements in
        adamUpdate(
          weights: weights, gradient: gradientElements, firstMoment: firstMoment,
          secondMoment: secondMoment, maxSecondMoment: maxSecondMoment, scalars: scalars)
      }
      states[index] = state
    }
  }

  func stateTensors() -> [String: Tensor] {
    layout.flatten(
      states.map { state in
        state.map { state in
          var entries: [String: Tensor] = [
            OptimizerStateLayout.stepName: Tensor(Float(state.step)),
            "exp_avg": state.exponentialAverage,
            "exp_avg_sq": state.squaredAverage,
          ]
          entries["max_exp_avg_sq"] = state.maxSquaredAverage
          return entries
        }
      })
  }

  mutating func loadState(_ state: [String: Tensor], parameters: [Variable]) throws {
    let entries = try layout.split(state, parameters: parameters)
    // `split` has checked that every name of the layout is present.
    states = entries.map { entries in
      entries.flatMap { entries in
        guard let step = entries[OptimizerStateLayout.stepName], let m = entries["exp_avg"],
          let v = entries["exp_avg_sq"]
        else { return nil }
        return ParameterState(
          step: Int(step.scalar), exponentialAverage: m, squaredAverage: v,
          maxSquaredAverage: entries["max_exp_avg_sq"])
      }
    }
  }
}

/// The per-step constants of one Adam update.
private struct AdamScalars {
  var beta1: Float
  var beta2: Float
  var epsilon: Float
  /// λ of Adam's L2 penalty (0 for AdamW).
  var l2Penalty: Float
  /// 1 − γ·λ of AdamW's decoupled decay (1 for Adam).
  var decayFactor: Float
  /// γ / (1 − β1^t).
  var stepSize: Float
  /// √(1 − β2^t).
  var biasCorrection2SquareRoot: Float
}

/// One fused pass, in PyTorch's order of operations:
///
///     p ← p·decayFactor;  g ← ∇ + λ·p
///     m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;  (AMSGrad: v_max ← max(v_max, v), v ← v_max)
///     p ← p − stepSize · m / (√v / √(1 − β2^t) + ε)
///
/// One straight loop per variant (with / without AMSGrad), chosen outside the loops; allocates
/// nothing. Unlike SGD's loops these stay scalar on Linux: `squareRoot()` keeps C's errno
/// semantics there (an inline `sqrtss` plus a libm call on the negative/NaN path), which LLVM
/// does not widen, even for `SIMD8<Float>`. A vector version would be a C kernel.
private func adamUpdate(
  weights: UnsafeMutablePointer<Float>, gradient: UnsafeBufferPointer<Float>,
  firstMoment: UnsafeMutablePointer<Float>, secondMoment: UnsafeMutablePointer<Float>,
  maxSecondMoment: UnsafeMutablePointer<Float>?, scalars: AdamScalars
) {
  let (beta1, beta2, epsilon) = (scalars.beta1, scalars.beta2, scalars.epsilon)
  let (l2Penalty, decayFactor) = (scalars.l2Penalty, scalars.decayFactor)
  let (stepSize, biasCorrection2SquareRoot) = (scalars.stepSize, scalars.biasCorrection2SquareRoot)
  // Only one of decayFactor ≠ 1 (AdamW) and l2Penalty ≠ 0 (Adam) holds, so the order of the
  // decay and the penalty is moot.
  if let maxSecondMoment {
    for i in 0..<gradient.count {
      let weight = weights[i] * decayFactor
      let g = gradient[i] + l2Penalty * weight
      let m = beta1 * firstMoment[i] + (1 - beta1) * g
      let v = beta2 * secondMoment[i] + (1 - beta2) * g * g
      let maxV = max(maxSecondMoment[i], v)
      firstMoment[i] = m
      secondMoment[i] = v
      maxSecondMoment[i] = maxV
      weights[i] = weight - stepSize * m / (maxV.squareRoot() / biasCorrection2SquareRoot + epsilon)
    }
  } else {
    for i in 0..<gradient.count {
      let weight = weights[i] * decayFactor
      let g = gradient[i] + l2Penalty * weight
      let m = beta1 * firstMoment[i] + (1 - beta1) * g
      let v = beta2 * secondMoment[i] + (1 - beta2) * g * g
      firstMoment[i] = m
      secondMoment[i] = v
      weights[i] = weight - stepSize * m / (v.squareRoot() / biasCorrection2SquareRoot + epsilon)
    }
  }
}
