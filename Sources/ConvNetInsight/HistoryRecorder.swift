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
  /// Samples in a full batch and in an epoch, to turn the trainer's running accuracy back into
  /// counts; nil keeps the running accuracy on step lines.
  public let batchSize: Int?
  public let samplesPerEpoch: Int?
  private let learningRate: () -> Float
  private let clock: () -> Date
  private let started: Date
  private var windowLossSum = 0.0
  private var windowSteps = 0
  private var windowCorrect = 0
  private var windowSeen = 0
  private var epochCorrect = 0
  private var epochSeen = 0
  private var lastStep = 0

  /// - Parameters:
  ///   - batchSize, samplesPerEpoch: the training loader's; with them a step line's accuracy
  ///     is that of its own N steps, without them the epoch's running accuracy so far.
  ///   - learningRate: reads the optimiser's current learning rate (e.g. `{ optimizer.learningRate }`).
  ///   - clock: the time source (tests pass a fixed one).
  public init(
    stepsPerEpoch: Int, stepInterval: Int = 50, batchSize: Int? = nil, samplesPerEpoch: Int? = nil,
    learningRate: @escaping () -> Float, clock: @escaping () -> Date = Date.init
  ) {
    self.stepsPerEpoch = max(stepsPerEpoch, 1)
    self.stepInterval = max(stepInterval, 0)
    self.batchSize = batchSize
    self.samplesPerEpoch = samplesPerEpoch
    self.learningRate = learningRate
    self.clock = clock
    self.started = clock()
  }

  /// Adds this step's samples and right answers to the window: the trainer reports
  /// correct/seen for the epoch so far, and seen is known from the batch size.
  private func countSamples(step: Int, runningAccuracy: Float) {
    guard let batchSize, let samplesPerEpoch else { return }
    if step == 1 {
      epochCorrect = 0
      epochSeen = 0
    }
    let seen = min(step * batchSize, samplesPerEpoch)
    let correct = Int((Double(runningAccuracy) * Double(seen)).rounded())
    windowCorrect += correct - epochCorrect
    windowSeen += seen - epochSeen
    epochCorrect = correct
    epochSeen = seen
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
      countSamples(step: step, runningAccuracy: runningAccuracy)
      guard stepInterval > 0, globalStep % stepInterval == 0 else { return nil }
      let accuracy = windowSeen > 0 ? Float(windowCorrect) / Float(windowSeen) : runningAccuracy
      let entry = HistoryEntry(
        kind: .step, epoch: epoch, step: globalStep, trainLoss: Float(windowLossSum / Double(windowSteps)),
        trainAccuracy: accuracy, learningRate: learningRate(), imagesPerSecond: imagesPerSecond,
        wallTime: now.timeIntervalSince1970, elapsedSeconds: now.timeIntervalSince(started))
      windowLossSum = 0
      windowSteps = 0
      windowCorrect = 0
      windowSeen = 0
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
