import ConvNet
import Foundation
import XCTest

final class TrainerTests: XCTestCase {
  private func mnistSample(_ count: Int) throws -> DatasetSubset<ImageClassificationDataset> {
    try EmbeddedMNIST.load(.train).prefix(count)
  }

  private func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("convnet-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
  }

  /// The smoke test of the course's training loop: LeNet-5 on 256 digits, 4 epochs of Adam;
  /// the mean training loss of the last epoch is well below the first's (≈ ln 10).
  func testLossFallsOnMNISTSample() throws {
    let model = RandomSource.withSeed(1) { LeNet5() }
    let loader = DataLoader(dataset: try mnistSample(256), batchSize: 32, seed: 1)
    let trainer = Trainer(
      model: model, optimizer: Adam(parameters: model.parameters, learningRate: 0.003),
      trainLoader: loader, testLoader: nil, classCount: 10)
    var epochLosses: [Float] = []
    try trainer.run(epochs: 4) { event in
      if case .epoch(_, let loss, _, _, _, _) = event { epochLosses.append(loss) }
    }
    XCTAssertEqual(epochLosses.count, 4)
    XCTAssertLessThan(epochLosses[0], 2.4)
    XCTAssertLessThan(epochLosses[3], epochLosses[0] * 0.5, "losses \(epochLosses)")
  }

  /// --max-steps with --no-shuffle: the same seed gives the same losses, step by step.
  func testRunsAreReproducibleStepByStep() throws {
    func losses() throws -> [Float] {
      let model = RandomSource.withSeed(3) { LeNet5() }
      let loader = DataLoader(dataset: try mnistSample(64), batchSize: 16, shuffle: false)
      let trainer = Trainer(
        model: model, optimizer: SGD(parameters: model.parameters, learningRate: 0.01, momentum: 0.9),
        trainLoader: loader, testLoader: nil, classCount: 10)
      trainer.maximumSteps = 3
      var result: [Float] = []
      try trainer.run(epochs: 5) { event in
        if case .step(_, _, _, let loss, _, _, _) = event { result.append(loss) }
      }
      return result
    }
    let first = try losses()
    XCTAssertEqual(first.count, 3)
    XCTAssertEqual(first, try losses())
  }

  /// A diverging run stops with a clear message and leaves the last good checkpoint intact.
  func testNonFiniteLossStopsAndKeepsTheLastCheckpoint() throws {
    let directory = try temporaryDirectory()
    let checkpoint = directory.appendingPathComponent("lenet.safetensors")
    let model = RandomSource.withSeed(1) { LeNet5() }
    let optimizer = SGD(parameters: model.parameters, learningRate: 0.01)
    let trainer = Trainer(
      model: model, optimizer: optimizer,
      trainLoader: DataLoader(dataset: try mnistSample(64), batchSize: 32, shuffle: false),
      testLoader: nil, classCount: 10)
    trainer.checkpointURL = checkpoint
    try trainer.run(epochs: 1)
    let saved = try readStateDict(from: checkpoint)
    optimizer.learningRate = 1e12
    XCTAssertThrowsError(try trainer.run(epochs: 3, firstEpoch: 1)) { error in
      XCTAssertTrue("\(error)".contains("the loss became"), "\(error)")
      XCTAssertTrue("\(error)".contains(checkpoint.path) || "\(error)".contains("no checkpoint"), "\(error)")
    }
    XCTAssertEqual(try readStateDict(from: checkpoint), saved)
  }

  /// Saving after an epoch and resuming continues exactly as an uninterrupted run.
  func testResumeContinuesIdentically() throws {
    let directory = try temporaryDirectory()
    let url = directory.appendingPathComponent("run.safetensors")
    let data = try mnistSample(96)
    func makeTrainer(_ model: LeNet5) -> Trainer {
      Trainer(
        model: model, optimizer: Adam(parameters: model.parameters, learningRate: 0.001),
        trainLoader: DataLoader(dataset: data, batchSize: 32, seed: 9), testLoader: nil, classCount: 10)
    }
    let straight = makeTrainer(RandomSource.withSeed(2) { LeNet5() })
    try straight.run(epochs: 2)

    let first = makeTrainer(RandomSource.withSeed(2) { LeNet5() })
    first.checkpointURL = url
    try first.run(epochs: 1)
    let resumedModel = RandomSource.withSeed(99) { LeNet5() }
    let resumed = makeTrainer(resumedModel)
    let epochsDone = try Checkpoint.resume(model: resumedModel, optimizer: resumed.optimizer, from: url)
    XCTAssertEqual(epochsDone, 1)
    try resumed.run(epochs: 2, firstEpoch: epochsDone)
    XCTAssertEqual(resumedModel.stateDict().map(\.value), straight.model.stateDict().map(\.value))
  }

  /// Accuracy, loss and the confusion matrix on a hand-made case: a linear "model" that always
  /// predicts class 1 with logits [0, ln 3] → p(1) = 3/4.
  func testEvaluationByHand() throws {
    let linear = Linear(4, 2)
    linear.weight.value = Tensor.zeros([2, 4])
    linear.bias!.value = Tensor(shape: [2], scalars: [0, Float(log(3.0))])
    let model = Sequential {
      Flatten()
      linear
    }
    let dataset = ImageClassificationDataset(
      name: "tiny", pixels: [UInt8](repeating: 0, count: 4 * 4), labels: [0, 1, 1, 1],
      sampleShape: [1, 2, 2], classCount: 2)
    let result = evaluate(
      model, on: DataLoader(dataset: dataset, batchSize: 3, shuffle: false), classCount: 2)
    XCTAssertEqual(result.count, 4)
    XCTAssertEqual(result.accuracy, 0.75)
    XCTAssertEqual(result.confusion, [[0, 1], [0, 3]])
    // Loss: (−ln(1/4) − 3·ln(3/4)) / 4.
    XCTAssertEqual(result.loss, Float((log(4.0) - 3 * log(0.75)) / 4), accuracy: 1e-5)
  }

  /// Mirror averaging by hand: logit 0 = the top-left pixel, logit 1 = 0. Image A (top-left 1)
  /// gives p₀ = e/(e+1) and its mirror p₀ = 1/2; image B (top-right 1) the same two the other
  /// way round. Both average to p₀ = (e/(e+1) + 1/2)/2, so both are predicted class 0.
  func testMirrorAveragedEvaluationByHand() throws {
    let linear = Linear(4, 2)
    linear.weight.value = Tensor(shape: [2, 4], scalars: [1, 0, 0, 0, 0, 0, 0, 0])
    linear.bias!.value = Tensor.zeros([2])
    let model = Sequential {
      Flatten()
      linear
    }
    let dataset = ImageClassificationDataset(
      name: "tiny", pixels: [255, 0, 0, 0, 0, 255, 0, 0], labels: [0, 1],
      sampleShape: [1, 2, 2], classCount: 2)
    let loader = DataLoader(dataset: dataset, batchSize: 2, shuffle: false)
    let result = evaluate(model, on: loader, classCount: 2, averagingMirrorImages: true)
    let p0 = (exp(1.0) / (exp(1.0) + 1) + 0.5) / 2
    XCTAssertEqual(result.accuracy, 0.5)
    XCTAssertEqual(result.confusion, [[1, 0], [1, 0]])
    XCTAssertEqual(result.loss, Float((-log(p0) - log(1 - p0)) / 2), accuracy: 1e-5)
    // Without averaging, image B's logits tie ([0, 0] → class 0) and image A is sure of class 0.
    let plain = evaluate(model, on: loader, classCount: 2)
    XCTAssertEqual(plain.loss, Float((-log(exp(1.0) / (exp(1.0) + 1)) + log(2.0)) / 2), accuracy: 1e-5)
  }
}
