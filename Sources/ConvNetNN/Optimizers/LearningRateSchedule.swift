import Foundation

/// A learning rate as a function of the epoch, in closed form (PyTorch's `lr_scheduler`
/// `_get_closed_form_lr`). Epoch 0 is the first epoch, trained at the initial rate.
///
/// Apply it at the start of each epoch:
///
///     optimizer.learningRate = schedule.learningRate(atEpoch: epoch)
///
/// Closed forms make resuming from a checkpoint trivial: the schedule has no state.
public protocol LearningRateSchedule {
  /// The learning rate for epoch `epoch` ≥ 0.
  func learningRate(atEpoch epoch: Int) -> Float
}

/// The same rate every epoch, optionally scaled by `factor` for the first `totalEpochs` epochs:
/// η(e) = η0·factor for e < totalEpochs, η0 afterwards (PyTorch's `ConstantLR`).
///
/// The defaults (factor 1, totalEpochs 0) give a plain constant rate; PyTorch's defaults are
/// factor 1/3 and total_iters 5, so pass them explicitly to reproduce `ConstantLR(optimizer)`.
public struct ConstantLR: LearningRateSchedule, Sendable {
  public let initial: Float
  public let factor: Float
  public let totalEpochs: Int

  /// - Parameters:
  ///   - initial: η0.
  ///   - factor: the multiplier during the first `totalEpochs` epochs, in [0, 1].
  ///   - totalEpochs: how many epochs use η0·factor (≥ 0).
  public init(initial: Float, factor: Float = 1, totalEpochs: Int = 0) {
    precondition(factor >= 0 && factor <= 1, "ConstantLR: factor \(factor) must be in [0, 1]")
    precondition(totalEpochs >= 0, "ConstantLR: totalEpochs \(totalEpochs) must be ≥ 0")
    self.initial = initial
    self.factor = factor
    self.totalEpochs = totalEpochs
  }

  public func learningRate(atEpoch epoch: Int) -> Float {
    precondition(epoch >= 0, "ConstantLR: epoch \(epoch) must be ≥ 0")
    return epoch < totalEpochs ? Float(Double(initial) * Double(factor)) : initial
  }
}

/// Decays the rate by `gamma` every `stepSize` epochs: η(e) = η0 · γ^⌊e / stepSize⌋
/// (PyTorch's `StepLR`).
public struct StepLR: LearningRateSchedule, Sendable {
  public let initial: Float
  public let stepSize: Int
  public let gamma: Float

  /// - Parameters:
  ///   - initial: η0.
  ///   - stepSize: epochs between decays (> 0).
  ///   - gamma: the multiplier per decay (default 0.1, as PyTorch).
  public init(initial: Float, stepSize: Int, gamma: Float = 0.1) {
    precondition(stepSize > 0, "StepLR: stepSize \(stepSize) must be > 0")
    self.initial = initial
    self.stepSize = stepSize
    self.gamma = gamma
  }

  public func learningRate(atEpoch epoch: Int) -> Float {
    precondition(epoch >= 0, "StepLR: epoch \(epoch) must be ≥ 0")
    return Float(Double(initial) * pow(Double(gamma), Double(epoch / stepSize)))
  }
}

/// Decays the rate by `gamma` at each milestone epoch: η(e) = η0 · γ^k, k = the number of
/// milestones ≤ e (PyTorch's `MultiStepLR`; like PyTorch, a repeated milestone counts each time).
public struct MultiStepLR: LearningRateSchedule, Sendable {
  public let initial: Float
  /// Sorted ascending.
  public let milestones: [Int]
  public let gamma: Float

  /// - Parameters:
  ///   - initial: η0.
  ///   - milestones: the epochs at which the rate is multiplied by γ (any order).
  ///   - gamma: the multiplier per milestone (default 0.1, as PyTorch).
  public init(initial: Float, milestones: [Int], gamma: Float = 0.1) {
    self.initial = initial
    self.milestones = milestones.sorted()
    self.gamma = gamma
  }

  public func learningRate(atEpoch epoch: Int) -> Float {
    precondition(epoch >= 0, "MultiStepLR: epoch \(epoch) must be ≥ 0")
    let passed = milestones.prefix { $0 <= epoch }.count
    return Float(Double(initial) * pow(Double(gamma), Double(passed)))
  }
}

/// Cosine annealing from η0 down to η_min over `totalEpochs` epochs (PyTorch's
/// `CosineAnnealingLR`, closed form, no restarts):
///
///     η(e) = η_min + (η0 − η_min) · (1 + cos(π·e / T)) / 2
///
/// η(0) = η0 and η(T) = η_min. As in PyTorch's closed form, epochs beyond T continue the cosine
/// (the rate rises again); train for at most T epochs to stay on the decreasing half.
public struct CosineAnnealingLR: LearningRateSchedule, Sendable {
  public let initial: Float
  public let totalEpochs: Int
  public let minimum: Float

  /// - Parameters:
  ///   - initial: η0.
  ///   - totalEpochs: T, the epoch at which the rate reaches η_min (> 0).
  ///   - minimum: η_min (default 0).
  public init(initial: Float, totalEpochs: Int, minimum: Float = 0) {
    precondition(totalEpochs > 0, "CosineAnnealingLR: totalEpochs \(totalEpochs) must be > 0")
    self.initial = initial
    self.totalEpochs = totalEpochs
    self.minimum = minimum
  }

  public func learningRate(atEpoch epoch: Int) -> Float {
    precondition(epoch >= 0, "CosineAnnealingLR: epoch \(epoch) must be ≥ 0")
    let progress = Double.pi * Double(epoch) / Double(totalEpochs)
    let minimum = Double(self.minimum)
    return Float(minimum + (Double(initial) - minimum) * (1 + cos(progress)) / 2)
  }
}
