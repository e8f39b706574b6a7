import ConvNet
import Foundation
import XCTest

final class FineTuningTests: XCTestCase {
  private func temporaryFile() throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "convnet-ft-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
    return directory.appendingPathComponent("pretrained.safetensors")
  }

  /// Weights for 10 classes into a 3-class LeNet-5: everything but classifier.4 is copied, the
  /// new head keeps its own initial values.
  func testNewHeadWhenTheClassCountDiffers() throws {
    let url = try temporaryFile()
    let pretrained = RandomSource.withSeed(1) { LeNet5(classCount: 10) }
    try Checkpoint.save(model: pretrained, architecture: "lenet5", epoch: 1, to: url)
    let model = RandomSource.withSeed(2) { LeNet5(classCount: 3) }
    let freshHead = model.classifier.layers[4].ownParameters.map { $0.parameter.value }
    XCTAssertTrue(try FineTuning.loadPretrained(into: model, from: url, classifierPrefix: "classifier.4"))
    XCTAssertEqual(
      model.features.layers[0].ownParameters[0].parameter.value,
      pretrained.features.layers[0].ownParameters[0].parameter.value)
    XCTAssertEqual(model.classifier.layers[4].ownParameters.map { $0.parameter.value }, freshHead)

    let same = LeNet5(classCount: 10)
    XCTAssertFalse(try FineTuning.loadPretrained(into: same, from: url, classifierPrefix: "classifier.4"))
    XCTAssertEqual(same.stateDict().map(\.value), pretrained.stateDict().map(\.value))
  }

  /// A checkpoint written during training (`--save`) also holds the optimiser's state under
  /// `optimizer.`; starting a new run from it takes the weights and leaves that state out.
  func testStartsFromACheckpointWithOptimizerState() throws {
    let url = try temporaryFile()
    let pretrained = RandomSource.withSeed(1) { LeNet5(classCount: 10) }
    let optimizer = SGD(parameters: pretrained.parameters, learningRate: 0.1, momentum: 0.9)
    let loader = DataLoader(dataset: try EmbeddedMNIST.load(.test).prefix(32), batchSize: 32, shuffle: false)
    try Trainer(model: pretrained, optimizer: optimizer, trainLoader: loader, testLoader: nil, classCount: 10)
      .run(epochs: 1)
    try Checkpoint.save(model: pretrained, optimizer: optimizer, architecture: "lenet5", epoch: 1, to: url)
    XCTAssertTrue(try readStateDict(from: url).keys.contains { $0.hasPrefix("optimizer.") })

    let model = RandomSource.withSeed(2) { LeNet5(classCount: 3) }
    XCTAssertTrue(try FineTuning.loadPretrained(into: model, from: url, classifierPrefix: "classifier.4"))
    XCTAssertEqual(
      model.features.layers[3].ownParameters[0].parameter.value,
      pretrained.features.layers[3].ownParameters[0].parameter.value)
  }

  /// Frozen parameters get no gradient and no update; the rest train.
  func testFrozenFeaturesDoNotChange() throws {
    let model = RandomSource.withSeed(3) { LeNet5() }
    let frozenCount = try FineTuning.freeze(model, prefixes: ["features"])
    XCTAssertEqual(frozenCount, 156 + 2416)
    let before = model.stateDict()
    let optimizer = SGD(parameters: model.parameters, learningRate: 0.1, momentum: 0.9)
    let loader = DataLoader(dataset: try EmbeddedMNIST.load(.test).prefix(64), batchSize: 32, shuffle: false)
    try Trainer(model: model, optimizer: optimizer, trainLoader: loader, testLoader: nil, classCount: 10).run(
      epochs: 1)
    let after = model.stateDict()
    for (old, new) in zip(before, after) {
      if old.name.hasPrefix("features.") {
        XCTAssertEqual(old.value, new.value, old.name)
      } else {
        XCTAssertNotEqual(old.value, new.value, old.name)
      }
    }
    XCTAssertThrowsError(try FineTuning.freeze(model, prefixes: ["feature"])) { error in
      XCTAssertTrue("\(error)".contains("top-level names: classifier, features"), "\(error)")
    }
  }

  /// A frozen batch norm keeps its running statistics while the network trains.
  func testFrozenBatchNormKeepsItsStatistics() throws {
    let model = Sequential {
      Conv2d(1, 2, kernelSize: 3)
      BatchNorm2d(2)
      Flatten()
      Linear(2 * 26 * 26, 10)
    }
    try FineTuning.freeze(model, prefixes: ["1"])
    let runningMean = (model.layers[1] as! BatchNorm2d).runningMean.value
    let loader = DataLoader(dataset: try EmbeddedMNIST.load(.test).prefix(32), batchSize: 16, shuffle: false)
    try Trainer(
      model: model, optimizer: SGD(parameters: model.parameters, learningRate: 0.01),
      trainLoader: loader, testLoader: nil, classCount: 10
    ).run(epochs: 1)
    XCTAssertEqual((model.layers[1] as! BatchNorm2d).runningMean.value, runningMean)
  }
}
