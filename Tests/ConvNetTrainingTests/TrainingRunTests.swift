import ConvNet
import Foundation
import XCTest

/// A configuration run by `TrainingRun` trains exactly what the same pieces assembled by hand
/// train; it continues from its own checkpoints bit-identically; the data fitting, class count
/// of a weight file and the errors of an impossible run are the library's.
final class TrainingRunTests: XCTestCase {
  private func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("convnet-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
  }

  private func digits(_ count: Int) throws -> FittedDatasets {
    FittedDatasets(
      train: try EmbeddedMNIST.load(.train).prefix(count), test: nil,
      architecture: try Architectures.named("lenet5"))
  }

  /// Adam at 0.003 with per-step cosine over 2 epochs of 4 batches, label smoothing, MNIST
  /// normalisation, a flip augmentation, seed 5.
  private func configuration() throws -> TrainingConfiguration {
    var configuration = TrainingConfiguration()
    configuration.epochs = 2
    configuration.batchSize = 16
    configuration.optimizer = OptimizerChoice(kind: .adam, learningRate: 0.003)
    configuration.labelSmoothing = 0.1
    configuration.normalization = .mnist
    configuration.augmentation = "flip-h"
    configuration.seed = 5
    return configuration
  }

  private func weights(_ model: any Module) -> [Tensor] { model.stateDict().map(\.value) }

  func testTrainsWhatTheSamePiecesTrainByHand() throws {
    let data = try digits(64)
    let run = try TrainingRun(configuration: try configuration(), data: data)
    XCTAssertEqual(run.plan.action, .start)
    XCTAssertEqual(run.classCount, 10)
    XCTAssertTrue(run.optimizer is Adam)
    try run.run()

    let model = RandomSource.withSeed(5) {
      try! Architectures.named("lenet5").build(inputChannels: 1, classCount: 10)
    }
    let optimizer = Adam(parameters: model.parameters, learningRate: 0.003)
    let loader = try DataLoader(
      dataset: data.train, batchSize: 16, shuffle: true, seed: 5, transform: .mnist,
      augmentation: TransformPipeline(parsing: "flip-h"))
    let trainer = Trainer(
      model: model, optimizer: optimizer, trainLoader: loader, testLoader: nil, classCount: 10)
    trainer.stepSchedule = CosineCycles(initial: 0.003, boundaries: [0, 8])
    trainer.labelSmoothing = 0.1
    try trainer.run(epochs: 2)
    XCTAssertEqual(weights(run.model), weights(model))
  }

  /// Stopped after 3 steps and continued from the checkpoint, the run ends with the weights of
  /// one that was never stopped; the checkpoint records the configuration.
  func testContinuesFromItsCheckpointBitIdentically() throws {
    let data = try digits(64)
    let straight = try TrainingRun(configuration: try configuration(), data: data)
    try straight.run()

    let url = try temporaryDirectory().appendingPathComponent("run.safetensors")
    var limited = try configuration()
    limited.maximumSteps = 3
    let first = try TrainingRun(configuration: limited, data: data)
    first.trainer.checkpointURL = url
    try first.run()
    XCTAssertEqual(try Checkpoint.recordedState(at: url)?.configuration, limited)

    let second = try TrainingRun(configuration: try configuration(), data: data, resumingFrom: url)
    XCTAssertEqual(second.plan.action, .continueRun)
    XCTAssertEqual(second.resumed?.state.globalStep, 3)
    try second.run()
    XCTAssertEqual(weights(second.model), weights(straight.model))

    var other = try configuration()
    other.optimizer.kind = .sgd
    XCTAssertThrowsError(try TrainingRun(configuration: other, data: data, resumingFrom: url)) { error in
      XCTAssertTrue("\(error)".contains("optimizer adam, this run has optimizer sgd"), "\(error)")
    }
  }

  func testRefusesWhatCannotRunNamingTheSetting() throws {
    let data = try digits(32)
    var fewClasses = try configuration()
    fewClasses.classCount = 5
    XCTAssertThrowsError(try TrainingRun(configuration: fewClasses, data: data)) { error in
      XCTAssertEqual((error as? SettingError)?.setting, "classCount")
      XCTAssertEqual("\(error)", "class count 5: the data has labels up to 9")
    }
    var colour = try configuration()
    colour.normalization = .imagenet
    XCTAssertThrowsError(try TrainingRun(configuration: colour, data: data)) { error in
      XCTAssertEqual((error as? SettingError)?.setting, "normalization")
      XCTAssertEqual(
        "\(error)", "normalisation imagenet has 3 per-channel means, but the images have 1 channel(s)")
    }
    var frozen = try configuration()
    frozen.frozenPrefixes = ["feature"]
    XCTAssertThrowsError(try TrainingRun(configuration: frozen, data: data)) { error in
      XCTAssertEqual((error as? SettingError)?.setting, "frozenPrefixes")
    }
  }

  /// 28×28 digits: padded to 32×32 for LeNet-5 (1998), converted to 3 channels on request,
  /// left alone for LeNet-5; a test split of another shape is left for Preflight.
  func testFitsDatasetsToTheArchitecture() throws {
    let train = try EmbeddedMNIST.load(.train).prefix(4)
    let test = try EmbeddedMNIST.load(.test).prefix(2)
    let padded = FittedDatasets(
      train: train, test: test, architecture: try Architectures.named("lenet5-1998"))
    XCTAssertEqual(padded.train.sampleShape, [1, 32, 32])
    XCTAssertEqual(padded.test?.sampleShape, [1, 32, 32])
    XCTAssertEqual(padded.resampling?.method, .zeroPadding)
    XCTAssertEqual(padded.resampling?.description, "1×28×28 → 1×32×32 (zero padding) for lenet5-1998")

    let lenet = try Architectures.named("lenet5")
    XCTAssertNil(FittedDatasets(train: train, test: test, architecture: lenet).resampling)
    let colour = FittedDatasets(train: train, test: test, architecture: lenet, channels: 3)
    XCTAssertEqual(colour.train.sampleShape, [3, 28, 28])
    XCTAssertEqual(colour.resampling?.method, .channelsConverted)

    let odd = ResampledDataset(test, sampleShape: [1, 20, 20])
    let unfitted = FittedDatasets(
      train: train, test: odd, architecture: try Architectures.named("lenet5-1998"))
    XCTAssertEqual(unfitted.test?.sampleShape, [1, 20, 20])
  }

  /// The class count of a weight file is the rows of its classifier's weight.
  func testClassCountOfAWeightFile() throws {
    let directory = try temporaryDirectory()
    let architecture = try Architectures.named("lenet5")
    let url = directory.appendingPathComponent("w.safetensors")
    let model = architecture.build(inputChannels: 1, classCount: 7)
    try Checkpoint.save(model: model, architecture: architecture.name, epoch: 0, to: url)
    XCTAssertEqual(try architecture.classCount(ofWeightsAt: url), 7)

    let other = directory.appendingPathComponent("other.safetensors")
    try SafetensorsFile.write(
      [(name: "fc.weight", tensor: Tensor(shape: [3, 2], repeating: 0), dtype: .f32)], to: other)
    XCTAssertThrowsError(try architecture.classCount(ofWeightsAt: other)) { error in
      XCTAssertEqual(
        "\(error)", "\(other.path): no tensor \"classifier.4.weight\" — are these lenet5 weights?")
    }
  }
}
