import Foundation

/// A learning rate as a function of a position, in closed form (PyTorch's `lr_scheduler`
/// `_get_closed_form_lr`). Position 0 is trained at the initial rate.
///
/// The position counts whatever the caller advances the schedule by, as PyTorch's
/// `scheduler.step()` does: epochs when it is applied at the start of each epoch,
///
///     optimizer.learningRate = schedule.learningRate(at: epoch)
///
/// or optimiser steps when it is applied before every step (`Trainer.stepSchedule`). Lengths
/// given to a schedule (`stepSize`, `length`, milestones) are in the same unit.
///
/// Closed forms make resuming from a checkpoint trivial: the schedule has no state.
public protocol LearningRateSchedule {
  /// The learning rate at `position` ≥ 0 (an epoch or a step number, from 0).
  func learningRate(at position: Int) -> Float
}

/// The same rate at every position, optionally scaled by `factor` for the first `length`
/// positions: η(e) = η0·factor for e < length, η0 afterwards (PyTorch's `ConstantLR`, whose
/// `total_iters` is `length`).
///
/// The defaults (factor 1, length 0) give a plain constant rate; PyTorch's defaults are
/// factor 1/3 and total_iters 5, so pass them explicitly to reproduce `ConstantLR(optimizer)`.
public struct ConstantLR: LearningRateSchedule, Sendable {
  public let initial: Float
  public let factor: Float
  public let length: Int

  /// - Parameters:
  ///   - initial: η0.
  ///   - factor: the multiplier during the first `length` positions, in [0, 1].
  ///   - length: how many positions (epochs or steps) use η0·factor (≥ 0).
  public init(initial: Float, factor: Float = 1, length: Int = 0) {
    precondition(factor >= 0 && factor <= 1, "ConstantLR: factor \(factor) must be in [0, 1]")
    precondition(length >= 0, "ConstantLR: length \(length) must be ≥ 0")
    self.initial = initial
    self.factor = factor
    self.length = length
  }

  public func learningRate(at position: Int) -> Float {
    precondition(position >= 0, "ConstantLR: position \(position) must be ≥ 0")
    return position < length ? Float(Double(initial) * Double(factor)) : initial
  }
}

/// Decays the rate by `gamma` every `stepSize` positions: η(e) = η0 · γ^⌊e / stepSize⌋
/// (PyTorch's `StepLR`).
public struct StepLR: LearningRateSchedule, Sendable {
  public let initial: Float
  public let stepSize: Int
  public let gamma: Float

  /// - Parameters:
  ///   - initial: η0.
  ///   - stepSize: positions (epochs or steps) between decays (> 0).
  ///   - gamma: the multiplier per decay (default 0.1, as PyTorch).
  public init(initial: Float, stepSize: Int, gamma: Float = 0.1) {
    precondition(stepSize > 0, "StepLR: stepSize \(stepSize) must be > 0")
    self.initial = initial
    self.stepSize = stepSize
    self.gamma = gamma
  }

  public func learningRate(at position: Int) -> Float {
    precondition(position >= 0, "StepLR: position \(position) must be ≥ 0")
    return Float(Double(initial) * pow(Double(gamma), Double(position / stepSize)))
  }
}

/// Decays the rate by `gamma` at each milestone position: η(e) = η0 · γ^k, k = the number of
/// milestones ≤ e (PyTorch's `MultiStepLR`; like PyTorch, a repeated milestone counts each time).
public struct MultiStepLR: LearningRateSchedule, Sendable {
  public let initial: Float
  /// Sorted ascending.
  public let milestones: [Int]
  public let gamma: Float

  /// - Parameters:
  ///   - initial: η0.
  ///   - milestones: the positions at which the rate is multiplied by γ (any order).
  ///   - gamma: the multiplier per milestone (default 0.1, as PyTorch).
  public init(initial: Float, milestones: [Int], gamma: Float = 0.1) {
    self.initial = initial
    self.milestones = milestones.sorted()
    self.gamma = gamma
  }

  public func learningRate(at position: Int) -> Float {
    precondition(position >= 0, "MultiStepLR: position \(position) must be ≥ 0")
    let passed = milestones.prefix { $0 <= position }.count
    return Float(Double(initial) * pow(Double(gamma), Double(passed)))
  }
}

/// Cosine annealing from η0 down to η_min over `length` positions — epochs, or optimiser steps
/// for a per-step schedule (PyTorch's `CosineAnnealingLR`, whose `T_max` is `length`; closed
/// form, no restarts):
///
///     η(e) = η_min + (η0 − η_min) · (1 + cos(π·e / T)) / 2
///
/// η(0) = η0 and η(T) = η_min. As in PyTorch's closed form, positions beyond T continue the
/// cosine (the rate rises again); stop at T to stay on the decreasing half.
public struct CosineAnnealingLR: LearningRateSchedule, Sendable {
  public let initial: Float
  public let length: Int
  public let minimum: Float

  /// - Parameters:
  ///   - initial: η0.
  ///   - length: T, the position (epoch or step) at which the rate reaches η_min (> 0).
  ///   - minimum: η_min (default 0).
  public init(initial: Float, length: Int, minimum: Float = 0) {
    precondition(length > 0, "CosineAnnealingLR: length \(length) must be > 0")
    self.initial = initial
    self.length = length
    self.minimum = minimum
  }

  public func learningRate(at position: Int) -> Float {
    precondition(position >= 0, "CosineAnnealingLR: position \(position) must be ≥ 0")
    let progress = Double.pi * Double(position) / Double(length)
    let minimum = Double(self.minimum)
    return Float(minimum + (Double(initial) - minimum) * (1 + cos(progress)) / 2)
  }
}
