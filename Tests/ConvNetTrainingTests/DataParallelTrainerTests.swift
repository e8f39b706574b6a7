import ConvNet
import Foundation
import TestSupport
import XCTest

/// The trainer's data-parallel hook, with the second process simulated in this one: a twin
/// model that holds the same weights computes the gradient of the other shard's piece of each
/// batch, and the "group" combines the two as the MPI group does (weighted by samples).
final class DataParallelTrainerTests: XCTestCase {
  /// Process 1 of 2, simulated: its twin model takes process 0's weights before every step.
  final class SimulatedPeer: DataParallelGroup {
    let twin: any Module
    let batches: EpochBatches
    var step = 0
    var stopAtStep: Int?

    init(twin: any Module, loader: DataLoader) {
      self.twin = twin
      var peerLoader = loader
      peerLoader.shard = DataShard(index: 1, of: 2)
      batches = peerLoader.batches(epoch: 0)
    }

    func synchronizeStep(_ figures: StepFigures, model: any Module) throws -> StepFigures {
      var weights: [String: Tensor] = [:]
      for entry in model.stateDict() { weights[entry.name] = entry.value }
      try twin.loadStateDict(weights)
      let batch = batches[step]
      step += 1
      let logits = twin(Variable(batch.images))
      let loss = crossEntropy(logits: logits, labels: batch.labels)
      twin.parameters.forEach { $0.grad = nil }
      loss.backward()
      let total = Float(figures.samples + batch.count)
      for (mine, theirs) in zip(model.parameters, twin.parameters) {
        guard let gradient = mine.grad, let other = theirs.grad else { continue }
        mine.grad = gradient * (Float(figures.samples) / total) + other * (Float(batch.count) / total)
      }
      let correct = zip(batch.labels, logits.value.argmax(alongAxis: 1)).filter { $0 == $1 }.count
      return StepFigures(
        samples: figures.samples + batch.count, correct: figures.correct + correct,
        lossSum: figures.lossSum + Double(loss.value.scalar) * Double(batch.count),
        stopRequested: stopAtStep == step)
    }
  }

  private func train(batchSize: Int, simulatingTwoProcesses: Bool) throws -> (
    weights: [Tensor], losses: [Float]
  ) {
    let model = RandomSource.withSeed(5) { LeNet5() }
    let loader = DataLoader(
      dataset: try EmbeddedMNIST.load(.train).prefix(200), batchSize: batchSize, shuffle: true, seed: 2)
    var trainLoader = loader
    var peer: SimulatedPeer?
    if simulatingTwoProcesses {
      trainLoader.shard = DataShard(index: 0, of: 2)
      // The twin starts from other weights: it must take process 0's before every step.
      peer = SimulatedPeer(twin: RandomSource.withSeed(99) { LeNet5() }, loader: loader)
    }
    let trainer = Trainer(
      model: model, optimizer: SGD(parameters: model.parameters, learningRate: 0.05, momentum: 0.9),
      trainLoader: trainLoader, testLoader: nil, classCount: 10)
    trainer.dataParallel = peer
    return try run(trainer, model: model, steps: 4)
  }

  private func run(_ trainer: Trainer, model: any Module, steps: Int) throws -> (
    weights: [Tensor], losses: [Float]
  ) {
    trainer.maximumSteps = steps
    var losses: [Float] = []
    try trainer.run(epochs: 1) { event in
      if case .step(_, _, _, let loss, _, _, _) = event { losses.append(loss) }
    }
    return (model.parameters.map(\.value), losses)
  }

  /// Two halves of each batch of 16 (and of 15: 7 + 8 samples, weighted 7/15 and 8/15), their
  /// gradients combined, give the single process's weights and its reported losses.
  func testTwoSimulatedProcessesTrainAsOneWithTheWholeBatch() throws {
    for batchSize in [16, 15] {
      let alone = try train(batchSize: batchSize, simulatingTwoProcesses: false)
      let together = try train(batchSize: batchSize, simulatingTwoProcesses: true)
      XCTAssertEqual(together.losses.count, 4)
      assertClose(together.losses, alone.losses, absoluteTolerance: 1e-5, relativeTolerance: 1e-5)
      for (a, b) in zip(together.weights, alone.weights) {
        assertClose(a, b, absoluteTolerance: 1e-6, relativeTolerance: 1e-5, "batch \(batchSize)")
      }
    }
  }

  /// A stop request seen by any process (here the peer's) stops every process after that step.
  func testAStopRequestOfTheGroupStopsAfterThatStep() throws {
    let model = RandomSource.withSeed(5) { LeNet5() }
    var loader = DataLoader(dataset: try EmbeddedMNIST.load(.train).prefix(64), batchSize: 8, shuffle: false)
    let peer = SimulatedPeer(twin: RandomSource.withSeed(5) { LeNet5() }, loader: loader)
    peer.stopAtStep = 2
    loader.shard = DataShard(index: 0, of: 2)
    let trainer = Trainer(
      model: model, optimizer: SGD(parameters: model.parameters, learningRate: 0.01), trainLoader: loader,
      testLoader: nil, classCount: 10)
    trainer.dataParallel = peer
    XCTAssertThrowsError(try trainer.run(epochs: 1)) { error in
      XCTAssertEqual((error as? TrainingInterrupted)?.state.step, 2)
    }
  }
}
