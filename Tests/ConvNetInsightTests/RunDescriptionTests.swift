import ConvNet
import Foundation
import XCTest

/// run.json shows the run's configuration; descriptions written before it existed still read.
final class RunDescriptionTests: XCTestCase {
  func testConfigurationRoundTripsThroughRunJSON() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString).json")
    defer { try? FileManager.default.removeItem(at: url) }
    var configuration = TrainingConfiguration()
    configuration.optimizer = OptimizerChoice(kind: .adam, learningRate: 0.002)
    configuration.schedule = try ScheduleChoice(parsing: "step:3")
    configuration.data = DataSource(path: "digits", validationFraction: 0.2)
    configuration.frozenPrefixes = ["features"]
    let description = RunDescription(
      architecture: "lenet5", settings: ["optimizer": "adam"], command: ["convnet", "train"],
      started: Date(timeIntervalSince1970: 0), configuration: configuration)
    try description.write(to: url)
    let loaded = try RunDescription.load(from: url)
    XCTAssertEqual(loaded, description)
    XCTAssertEqual(loaded.configuration, configuration)
    let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    let stored = try XCTUnwrap(json["configuration"] as? [String: Any])
    XCTAssertEqual(stored["schedule"] as? String, "step:3")
    XCTAssertEqual((stored["optimizer"] as? [String: Any])?["kind"] as? String, "adam")
  }

  func testDescriptionWithoutConfigurationStillReads() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString).json")
    defer { try? FileManager.default.removeItem(at: url) }
    try Data(
      #"{"architecture": "lenet5", "started": "1970-01-01T00:00:00Z", "settings": {"epochs": "2"}}"#.utf8
    )
    .write(to: url)
    let loaded = try RunDescription.load(from: url)
    XCTAssertNil(loaded.configuration)
    XCTAssertEqual(loaded.settings, ["epochs": "2"])
  }

  /// A run described by its configuration alone (no command-line settings) lists it in words.
  func testReportListsTheConfigurationOfALibraryRun() throws {
    var configuration = TrainingConfiguration()
    configuration.optimizer = OptimizerChoice(kind: .adam)
    configuration.frozenPrefixes = ["features"]
    let description = RunDescription(
      architecture: "lenet5", command: [], started: Date(timeIntervalSince1970: 0),
      configuration: configuration)
    let model = RandomSource.withSeed(2) {
      try! Architectures.named("lenet5").build(inputChannels: 1, classCount: 10)
    }
    let maker = TrainingReportMaker(
      description: description, history: .missing(reason: "none"), architecture: "lenet5", model: model,
      testSet: .missing(reason: "none"), transform: .unitRange, classCount: 10)
    let settings = maker.make(made: Date(timeIntervalSince1970: 60)).settings
    XCTAssertEqual(
      settings.map(\.key),
      [
        "architecture", "data", "epochs", "batch size", "optimizer", "learning rate", "weight decay",
        "schedule",
        "label smoothing", "augmentation", "normalisation", "seed", "order", "frozen",
      ])
    XCTAssertEqual(settings.first { $0.key == "optimizer" }?.value, "Adam")
    XCTAssertEqual(settings.first { $0.key == "learning rate" }?.value, "0.001")
    XCTAssertEqual(settings.first { $0.key == "data" }?.value, "bundled MNIST")
  }

  /// A resumed run keeps its first start in run.json and takes the continuing configuration.
  func testResumeRecordsTheContinuingConfiguration() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("runs-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let record = RunRecord.beside(checkpoint: directory.appendingPathComponent("m.safetensors"))
    var configuration = TrainingConfiguration()
    let first = RunDescription(
      architecture: "lenet5", command: ["convnet", "train"], started: Date(timeIntervalSince1970: 0),
      configuration: configuration)
    _ = try TrainingRunRecorder(
      record: record, description: first, recorder: HistoryRecorder(stepsPerEpoch: 1, learningRate: { 1 }))
    configuration.epochs = 5
    let second = RunDescription(
      architecture: "lenet5", command: ["convnet", "train", "--resume"],
      started: Date(timeIntervalSince1970: 60),
      configuration: configuration)
    _ = try TrainingRunRecorder(
      record: record, description: second, resumedAfterEpoch: 2,
      recorder: HistoryRecorder(stepsPerEpoch: 1, learningRate: { 1 }))
    let written = try record.loadDescription()
    XCTAssertEqual(written.started, "1970-01-01T00:00:00Z")
    XCTAssertEqual(written.resumes.map(\.afterEpoch), [2])
    XCTAssertEqual(written.configuration?.epochs, 5)
  }
}
