import Foundation

/// Cosine annealing in consecutive cycles: within each cycle the rate falls from η0 to η_min as
/// `CosineAnnealingLR` over that cycle's length, and the next cycle starts again at η0 (a warm
/// restart, as in SGDR — Loshchilov & Hutter 2017 — with explicit cycle lengths).
///
/// With one cycle it is `CosineAnnealingLR(initial:length:minimum:)` exactly, value for
/// value. A second cycle is what extending a finished run means: the first cycle is the run as
/// planned; the next anneals again over the added epochs. Positions past the last boundary
/// continue the last cycle's cosine (as `CosineAnnealingLR` does past its horizon).
///
/// The position is in whatever unit the caller counts (epochs, or optimiser steps for a per-step
/// schedule); `boundaries` are in the same unit.
public struct CosineCycles: LearningRateSchedule, Sendable {
  public let initial: Float
  /// Where the cycles start and end: [0, end₁, end₂, …], strictly increasing, at least two.
  public let boundaries: [Int]
  public let minimum: Float

  /// - Parameters:
  ///   - initial: η0, the rate at the start of every cycle.
  ///   - boundaries: 0 followed by each cycle's end, strictly increasing.
  ///   - minimum: η_min (default 0).
  public init(initial: Float, boundaries: [Int], minimum: Float = 0) {
    precondition(
      boundaries.count >= 2 && boundaries[0] == 0 && zip(boundaries, boundaries.dropFirst()).allSatisfy(<),
      "CosineCycles: boundaries \(boundaries) must start at 0 and increase strictly")
    self.initial = initial
    self.boundaries = boundaries
    self.minimum = minimum
  }

  /// The cycle that contains `position`: its start and length.
  public func cycle(containing position: Int) -> (start: Int, length: Int) {
    var index = 0
    while index + 2 < boundaries.count && position >= boundaries[index + 1] { index += 1 }
    return (boundaries[index], boundaries[index + 1] - boundaries[index])
  }

  public func learningRate(at position: Int) -> Float {
    precondition(position >= 0, "CosineCycles: position \(position) must be ≥ 0")
    let (start, length) = cycle(containing: position)
    return CosineAnnealingLR(initial: initial, length: length, minimum: minimum)
      .learningRate(at: position - start)
  }
}
