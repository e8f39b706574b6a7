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
  /// A checkpoint was written.
  case saved(URL)
}

/// Why training stopped early.
public struct TrainingError: Error, CustomStringConvertible {
  public let description: String
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
  /// e.g. `CosineAnnealingLR(initial:totalEpochs: totalSteps)` for cosine annealing per step.
  public var stepSchedule: (any LearningRateSchedule)?
  public var labelSmoothing: Float = 0
  /// Stop after this many optimiser steps in all (the last epoch may be partial).
  public var maximumSteps: Int?
  /// Where to save weights after every epoch (and the optimiser state beside them).
  public var checkpointURL: URL?
  public var architectureName = "custom"

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

  /// Trains epochs `firstEpoch ..< epochs` (1-based in reports). Throws `TrainingError` when a
  /// loss becomes NaN or infinite; the checkpoint on disk is then the last good one.
  @discardableResult
  public func run(epochs: Int, firstEpoch: Int = 0, report: (TrainingEvent) -> Void = { _ in }) throws
    -> [EvaluationResult]
  {
    var results: [EvaluationResult] = []
    var stepsTaken = 0
    var lastSaved: URL?
    epochLoop: for epoch in firstEpoch..<epochs {
      if let schedule { optimizer.learningRate = schedule.learningRate(atEpoch: epoch) }
      model.train()
      let start = Date()
      let batches = trainLoader.batches(epoch: epoch)
      var stepsInEpoch = batches.count
      if let maximumSteps { stepsInEpoch = min(stepsInEpoch, maximumSteps - stepsTaken) }
      var seen = 0
      var correct = 0
      var lossSum = 0.0
      for (index, batch) in batches.enumerated() {
        if index >= stepsInEpoch { break }
        let logits = model(Variable(batch.images))
        let loss = crossEntropy(logits: logits, labels: batch.labels, labelSmoothing: labelSmoothing)
        let lossValue = loss.value.scalar
        guard lossValue.isFinite else {
          let kept = lastSaved.map { "the last good weights are in \($0.path)" } ?? "no checkpoint was written"
          throw TrainingError(
            description: "the loss became \(lossValue) at epoch \(epoch + 1), step \(index + 1); stopped (\(kept)). Try a lower --lr.")
        }
        if let stepSchedule {
          optimizer.learningRate = stepSchedule.learningRate(atEpoch: epoch * batches.count + index)
        }
        optimizer.zeroGradients()
        loss.backward()
        optimizer.step()
        stepsTaken += 1
        seen += batch.count
        lossSum += Double(lossValue) * Double(batch.count)
        for (label, predicted) in zip(batch.labels, logits.value.argmax(alongAxis: 1)) where label == predicted {
          correct += 1
        }
        let elapsed = Date().timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(seen) / elapsed : 0
        let remaining = rate > 0 ? Double((stepsInEpoch - index - 1) * trainLoader.batchSize) / rate : 0
        report(
          .step(
            epoch: epoch + 1, step: index + 1, stepsInEpoch: stepsInEpoch, loss: lossValue,
            runningAccuracy: Float(correct) / Float(seen), imagesPerSecond: rate,
            secondsRemaining: remaining))
      }
      let test = testLoader.map { evaluate(model, on: $0, classCount: classCount) }
      if let test { results.append(test) }
      report(
        .epoch(
          epoch: epoch + 1, trainLoss: seen == 0 ? 0 : Float(lossSum / Double(seen)),
          trainAccuracy: seen == 0 ? 0 : Float(correct) / Float(seen), test: test,
          seconds: Date().timeIntervalSince(start), learningRate: optimizer.learningRate))
      if let checkpointURL {
        try Checkpoint.save(
          model: model, optimizer: optimizer, architecture: architectureName, epoch: epoch + 1,
          to: checkpointURL)
        lastSaved = checkpointURL
        report(.saved(checkpointURL))
      }
      if let maximumSteps, stepsTaken >= maximumSteps { break epochLoop }
    }
    return results
  }
}
