import ConvNetTraining
import Foundation

/// Turns the trainer's events into history entries: a `step` entry every `stepInterval`
/// optimiser steps and an `epoch` entry after every epoch.
///
/// It only computes; where the entries go (a JSON-lines file, TensorBoard) is up to the
/// caller, e.g. `TrainingRunRecorder`.
public final class HistoryRecorder {
  /// Optimiser steps in a full epoch: with the epoch number it gives the run-wide step count,
  /// which stays the same across a resume.
  public let stepsPerEpoch: Int
  /// A step entry every this many optimiser steps (run-wide count); 0 writes none.
  public let stepInterval: Int
  private let learningRate: () -> Float
  private let clock: () -> Date
  private let started: Date
  private var windowLossSum = 0.0
  private var windowSteps = 0
  private var lastStep = 0

  /// - Parameters:
  ///   - learningRate: reads the optimiser's current learning rate (e.g. `{ optimizer.learningRate }`).
  ///   - clock: the time source (tests pass a fixed one).
  public init(
    stepsPerEpoch: Int, stepInterval: Int = 50, learningRate: @escaping () -> Float,
    clock: @escaping () -> Date = Date.init
  ) {
    self.stepsPerEpoch = max(stepsPerEpoch, 1)
    self.stepInterval = max(stepInterval, 0)
    self.learningRate = learningRate
    self.clock = clock
    self.started = clock()
  }

  /// The entry `event` produces, if any.
  public func record(_ event: TrainingEvent) -> HistoryEntry? {
    let now = clock()
    switch event {
    case .step(let epoch, let step, _, let loss, let runningAccuracy, let imagesPerSecond, _):
      let globalStep = (epoch - 1) * stepsPerEpoch + step
      lastStep = globalStep
      windowLossSum += Double(loss)
      windowSteps += 1
      guard stepInterval > 0, globalStep % stepInterval == 0 else { return nil }
      let entry = HistoryEntry(
        kind: .step, epoch: epoch, step: globalStep, trainLoss: Float(windowLossSum / Double(windowSteps)),
        trainAccuracy: runningAccuracy, learningRate: learningRate(), imagesPerSecond: imagesPerSecond,
        wallTime: now.timeIntervalSince1970, elapsedSeconds: now.timeIntervalSince(started))
      windowLossSum = 0
      windowSteps = 0
      return entry
    case .epoch(let epoch, let trainLoss, let trainAccuracy, let test, let seconds, let rate):
      // An epoch cut short by a step limit ends at the last step taken, a full one at its end.
      let globalStep = lastStep > (epoch - 1) * stepsPerEpoch ? lastStep : epoch * stepsPerEpoch
      return HistoryEntry(
        kind: .epoch, epoch: epoch, step: globalStep, trainLoss: trainLoss, trainAccuracy: trainAccuracy,
        testLoss: test?.loss, testAccuracy: test?.accuracy, learningRate: rate, epochSeconds: seconds,
        wallTime: now.timeIntervalSince1970, elapsedSeconds: now.timeIntervalSince(started))
    case .saved:
      return nil
    }
  }
}
