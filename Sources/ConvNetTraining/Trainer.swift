import ConvNetAutograd
import ConvNetData
import ConvNetNN
import ConvNetTensor
import Foundation

/// What the training loop reports while it runs.
public enum TrainingEvent {
  /// After every optimiser step. `loss` is this batch's; accuracy and throughput are running
  /// figures for the epoch so far.
  case step(
    epoch: Int, step: Int, stepsInEpoch: Int, loss: Float, runningAccuracy: Float,
    imagesPerSecond: Double, secondsRemaining: Double)
  /// After every epoch: training figures and, when a test loader was given, test figures.
  case epoch(
    epoch: Int, trainLoss: Float, trainAccuracy: Float, test: EvaluationResult?, seconds: Double,
    learningRate: Float)
  /// A checkpoint was written: after an epoch, at the step limit or when interrupted (the
  /// periodic saves of `Trainer.checkpointInterval` are not reported).
  case saved(URL)
}

/// Why training stopped early, or cannot continue from a checkpoint.
public struct TrainingError: Error, CustomStringConvertible {
  public let description: String
  /// The configuration field (`TrainingConfiguration`) whose change most likely helps, e.g.
  /// "learningRate" when the loss diverged; a front end can name its own spelling of it.
  public let setting: String?

  public init(description: String, setting: String? = nil) {
    self.description = description
    self.setting = setting
  }
}

/// The classic loop: sample a mini-batch, forward, loss, backward, optimiser step; evaluate
/// on the test set after each epoch.
public final class Trainer {
  public let model: any Module
  public let optimizer: any Optimizer
  public let trainLoader: DataLoader
  public let testLoader: DataLoader?
  public let classCount: Int
  /// Sets the learning rate at the start of each epoch (epoch numbers from 0); nil keeps it.
  public var schedule: (any LearningRateSchedule)?
  /// Sets the learning rate before every optimiser step from the global step number (from 0),
  /// e.g. `CosineAnnealingLR(initial:length: totalSteps)` for cosine annealing per step.
  public var stepSchedule: (any LearningRateSchedule)?
  public var labelSmoothing: Float = 0
  /// Stop after this many optimiser steps in all, counted from the start of the run (including
  /// steps before a checkpoint it continues from); the last epoch may be partial.
  public var maximumSteps: Int?
  /// Where to save checkpoints: after every epoch, every `checkpointInterval` steps, at a step
  /// limit and when interrupted. Each save is one atomic file (see `Checkpoint`).
  public var checkpointURL: URL?
  /// Also save every this many optimiser steps (counted over the run), mid-epoch included;
  /// these saves are not reported as `.saved` events.
  public var checkpointInterval: Int?
  /// Polled after every step; when it is set, the trainer saves and throws `TrainingInterrupted`.
  public var interruptRequest: InterruptRequest?
  public var architectureName = "custom"
  /// The learning-rate plan recorded in checkpoints (see `TrainingState.cycles`); nil records
  /// [0, epochs]. The schedules themselves are set through `schedule` / `stepSchedule`.
  public var cycles: [Int]?
  /// The run's settings, recorded in checkpoints so that a resume can check it uses the same.
  public var settings: [String: String] = [:]
  /// The run's configuration, recorded in checkpoints (`TrainingState.configuration`); set by
  /// `TrainingRun`.
  public var configuration: TrainingConfiguration?
  /// Trains data-parallel with other processes (each on its `DataLoader.shard`); nil: alone.
  public var dataParallel: (any DataParallelGroup)?

  public init(
    model: any Module, optimizer: any Optimizer, trainLoader: DataLoader, testLoader: DataLoader?,
    classCount: Int
  ) {
    self.model = model
    self.optimizer = optimizer
    self.trainLoader = trainLoader
    self.testLoader = testLoader
    self.classCount = classCount
  }

  /// Trains epochs `firstEpoch ..< epochs` (1-based in reports); for `maximumSteps` the epochs
  /// before `firstEpoch` count as complete. Throws `TrainingError` when a loss becomes NaN or
  /// infinite; the checkpoint on disk is then the last good one. Returns the last epoch's test
  /// evaluation (every epoch's comes in its `.epoch` report).
  @discardableResult
  public func run(epochs: Int, firstEpoch: Int = 0, report: (TrainingEvent) -> Void = { _ in }) throws
    -> EvaluationResult?
  {
    try run(
      epochs: epochs, resumingFrom: TrainingState(epoch: firstEpoch, globalStep: 0), report: report)
  }

  /// Trains until `epochs` epochs are complete, starting where `start` stands (nil: a new run) —
  /// mid-epoch included, with the running figures of that epoch. With the model, optimiser and
  /// generators restored from the same checkpoint (`Checkpoint.load`), the result is
  /// bit-identical to a run that was never interrupted.
  ///
  /// - Throws: `TrainingError` when a loss becomes NaN or infinite (the checkpoint on disk is
  ///   then the last good one) or when a mid-epoch `start` has another data order than the
  ///   loader; `TrainingInterrupted` after an interrupt request.
  /// - Returns: the last epoch's test evaluation. Only the last is kept: a result per epoch (its
  ///   confusion matrix, ~1.4 KB for 10 classes) would grow without bound over many short epochs.
  @discardableResult
  public func run(
    epochs: Int, resumingFrom start: TrainingState?, report: (TrainingEvent) -> Void = { _ in }
  ) throws -> EvaluationResult? {
    let order = TrainingState.DataOrder(of: trainLoader)
    var start = start ?? TrainingState(epoch: 0, globalStep: 0)
    if start.step > 0, let saved = start.dataOrder, saved != order {
      throw TrainingError(
        description: "the checkpoint stopped inside an epoch of \(saved); this run has \(order), so the "
          + "rest of that epoch cannot be replayed (use the same data, batch size, seed and shuffling)")
    }
    if start.step > trainLoader.batchCount {
      throw TrainingError(
        description:
          "the checkpoint is at step \(start.step) of an epoch, but an epoch has \(trainLoader.batchCount) steps"
      )
    }
    if start.dataOrder == nil && start.globalStep == 0 {
      // An older checkpoint did not count steps: assume its epochs were complete.
      start.globalStep = start.epoch * trainLoader.batchCount
    }
    var lastResult: EvaluationResult?
    var globalStep = start.globalStep
    var lastSaved: URL?

    func state(epoch: Int, step: Int, progress: TrainingState.EpochProgress) -> TrainingState {
      TrainingState(
        epoch: epoch, step: step, globalStep: globalStep, cycles: cycles ?? [0, epochs],
        dataOrder: order, progress: progress, generators: model.generatorStates(), settings: settings,
        configuration: configuration)
    }
    func save(_ state: TrainingState, reported: Bool = true) throws {
      guard let checkpointURL else { return }
      try Checkpoint.save(
        model: model, optimizer: optimizer, architecture: architectureName, state: state, to: checkpointURL)
      lastSaved = checkpointURL
      if reported { report(.saved(checkpointURL)) }
    }

    for epoch in start.epoch..<max(start.epoch, epochs) {
      if let maximumSteps, globalStep >= maximumSteps { break }
      let resuming = epoch == start.epoch
      if let schedule { optimizer.learningRate = schedule.learningRate(at: epoch) }
      model.train()
      let started = Date()
      let firstStep = resuming ? start.step : 0
      let batches = trainLoader.batches(epoch: epoch, from: firstStep)
      var stepsInEpoch = batches.count
      if let maximumSteps { stepsInEpoch = min(stepsInEpoch, firstStep + maximumSteps - globalStep) }
      var progress = resuming ? start.progress : TrainingState.EpochProgress()
      var seenThisSession = 0
      var index = firstStep
      for batch in batches {
        if index >= stepsInEpoch { break }
        let logits = model(Variable(batch.images))
        let loss = crossEntropy(logits: logits, labels: batch.labels, labelSmoothing: labelSmoothing)
        optimizer.zeroGradients()
        loss.backward()
        // Data-parallel: the gradients and figures become the global batch's.
        var figures = StepFigures(labels: batch.labels, logits: logits.value, loss: loss.value.scalar)
        if let dataParallel {
          figures.stopRequested = interruptRequest?.isRequested == true
          figures = try dataParallel.synchronizeStep(figures, model: model)
        }
        let lossValue = figures.loss
        guard lossValue.isFinite else {
          let kept =
            lastSaved.map { "the last good weights are in \($0.path)" } ?? "no checkpoint was written"
          throw TrainingError(
            description:
              "the loss became \(lossValue) at epoch \(epoch + 1), step \(index + 1); stopped (\(kept)). "
              + "Try a lower learning rate.",
            setting: "learningRate")
        }
        if let stepSchedule {
          optimizer.learningRate = stepSchedule.learningRate(at: epoch * batches.count + index)
        }
        optimizer.step()
        globalStep += 1
        index += 1
        seenThisSession += figures.samples
        progress.samplesSeen += figures.samples
        progress.lossSum += figures.lossSum
        progress.correct += figures.correct
        let elapsed = Date().timeIntervalSince(started)
        let rate = elapsed > 0 ? Double(seenThisSession) / elapsed : 0
        let remaining = rate > 0 ? Double((stepsInEpoch - index) * trainLoader.batchSize) / rate : 0
        report(
          .step(
            epoch: epoch + 1, step: index, stepsInEpoch: stepsInEpoch, loss: lossValue,
            runningAccuracy: Float(progress.correct) / Float(progress.samplesSeen), imagesPerSecond: rate,
            secondsRemaining: remaining))
        // The end-of-epoch save follows the epoch's last step; no need to save twice.
        var savedThisStep = false
        if let checkpointInterval, globalStep % checkpointInterval == 0, index < batches.count {
          try save(state(epoch: epoch, step: index, progress: progress), reported: false)
          savedThisStep = true
        }
        // Data-parallel processes stop together, at the request any of them saw in this step.
        let stopRequested =
          dataParallel == nil ? interruptRequest?.isRequested == true : figures.stopRequested
        if stopRequested {
          let here = state(epoch: epoch, step: index, progress: progress)
          if !savedThisStep { try save(here) }
          throw TrainingInterrupted(state: here, checkpoint: checkpointURL)
        }
      }
      let test = testLoader.map { evaluate(model, on: $0, classCount: classCount) }
      if let test { lastResult = test }
      report(
        .epoch(
          epoch: epoch + 1,
          trainLoss: progress.samplesSeen == 0 ? 0 : Float(progress.lossSum / Double(progress.samplesSeen)),
          trainAccuracy: progress.samplesSeen == 0
            ? 0 : Float(progress.correct) / Float(progress.samplesSeen),
          test: test, seconds: Date().timeIntervalSince(started), learningRate: optimizer.learningRate))
      // A step limit can stop inside the epoch: the checkpoint then says which step.
      let complete = index >= batches.count
      let here =
        complete
        ? state(epoch: epoch + 1, step: 0, progress: TrainingState.EpochProgress())
        : state(epoch: epoch, step: index, progress: progress)
      try save(here)
      if !complete { break }
      // A request during the last epoch's evaluation comes too late to stop anything.
      let finished = epoch + 1 >= epochs || maximumSteps.map { globalStep >= $0 } == true
      if !finished, dataParallel == nil, let interruptRequest, interruptRequest.isRequested {
        throw TrainingInterrupted(state: here, checkpoint: checkpointURL)
      }
    }
    return lastResult
  }
}
