import ConvNet
import Foundation
import XCTest

/// The configuration value: stored and read back (also when written by an earlier version with
/// fewer fields), refused field by field when it cannot train, and the settings a continued run
/// must share with its checkpoint.
final class TrainingConfigurationTests: XCTestCase {
  /// A configuration with every field away from its default.
  static func everyFieldSet() throws -> TrainingConfiguration {
    var configuration = TrainingConfiguration()
    configuration.architecture = "resnet20"
    configuration.data = DataSource(
      path: "data/cifar", format: .cifar10, imageSize: [32, 32], channels: 3, validationFraction: 0.1,
      cache: true, skipsBadImages: true, maximumImagePixels: 4096)
    configuration.normalization = .cifar10
    configuration.augmentation = "crop:32:4,flip-h"
    configuration.inputChannels = 3
    configuration.classCount = 12
    configuration.epochs = 30
    configuration.batchSize = 128
    configuration.optimizer = OptimizerChoice(
      kind: .adamw, learningRate: 0.002, momentum: 0.5, weightDecay: 0.05)
    configuration.schedule = try ScheduleChoice(parsing: "step:10:0.5")
    configuration.labelSmoothing = 0.1
    configuration.seed = 1 << 63
    configuration.shuffle = false
    configuration.maximumSteps = 1000
    configuration.deterministic = true
    configuration.initialWeights = "pretrained.safetensors"
    configuration.frozenPrefixes = ["conv1", "bn1"]
    return configuration
  }

  func testCodableRoundTrip() throws {
    let configuration = try Self.everyFieldSet()
    XCTAssertEqual(try TrainingConfiguration(jsonText: configuration.jsonText()), configuration)
    let pretty = JSONEncoder()
    pretty.outputFormatting = .prettyPrinted
    XCTAssertEqual(
      try JSONDecoder().decode(TrainingConfiguration.self, from: pretty.encode(configuration)), configuration)
  }

  /// Fields missing from the stored text take their defaults (a configuration of an earlier
  /// version with fewer fields still reads); malformed ones are refused.
  func testMissingFieldsTakeTheirDefaults() throws {
    XCTAssertEqual(try TrainingConfiguration(jsonText: "{}"), TrainingConfiguration())
    let partial = try TrainingConfiguration(
      jsonText: #"{"epochs": 7, "optimizer": {"kind": "adam", "momentum": 0.9, "weightDecay": 0}}"#)
    var expected = TrainingConfiguration()
    expected.epochs = 7
    expected.optimizer.kind = .adam
    XCTAssertEqual(partial, expected)
    XCTAssertThrowsError(try TrainingConfiguration(jsonText: #"{"schedule": "step:0"}"#))
    XCTAssertThrowsError(try TrainingConfiguration(jsonText: #"{"epochs": "many"}"#))
  }

  func testDefaults() {
    let configuration = TrainingConfiguration()
    XCTAssertEqual(configuration.architecture, "lenet5")
    XCTAssertEqual(configuration.epochs, 2)
    XCTAssertEqual(configuration.batchSize, 64)
    XCTAssertEqual(
      configuration.optimizer, OptimizerChoice(kind: .sgd, learningRate: nil, momentum: 0.9, weightDecay: 0))
    XCTAssertEqual(configuration.schedule, .cosine)
    XCTAssertEqual(configuration.seed, 1)
    XCTAssertTrue(configuration.shuffle)
    XCTAssertNil(configuration.data.path)
    XCTAssertNoThrow(try configuration.validate())
  }

  /// Each impossible value is refused naming its field; the message reads in words.
  func testValidationNamesTheField() throws {
    func refused(
      _ change: (inout TrainingConfiguration) -> Void, _ setting: String, _ fragment: String,
      line: UInt = #line
    ) {
      var configuration = TrainingConfiguration()
      change(&configuration)
      XCTAssertThrowsError(try configuration.validate(), line: line) { error in
        XCTAssertEqual((error as? SettingError)?.setting, setting, "\(error)", line: line)
        XCTAssertTrue("\(error)".contains(fragment), "\(error)", line: line)
      }
    }
    refused({ $0.epochs = 0 }, "epochs", "epochs must be at least 1, got 0")
    refused({ $0.batchSize = -2 }, "batchSize", "batch size must be at least 1, got -2")
    refused({ $0.maximumSteps = 0 }, "maximumSteps", "got 0")
    refused({ $0.classCount = 0 }, "classCount", "got 0")
    refused({ $0.data.maximumImagePixels = 0 }, "maximumImagePixels", "got 0")
    refused({ $0.labelSmoothing = 1 }, "labelSmoothing", "must be in [0, 1), got 1.0")
    refused({ $0.labelSmoothing = .nan }, "labelSmoothing", "got nan")
    refused({ $0.inputChannels = 2 }, "inputChannels", "must be 1 or 3, got 2")
    refused({ $0.data.channels = 4 }, "channels", "must be 1 or 3, got 4")
    refused({ $0.data.validationFraction = 1 }, "validationFraction", "strictly between 0 and 1, got 1.0")
    refused({ $0.optimizer.learningRate = -1 }, "learningRate", "learning rate must be a finite number ≥ 0")
    refused({ $0.frozenPrefixes = ["features", ""] }, "frozenPrefixes", "none empty")
    // LeNet-5's classifier is sized for 28×28 images.
    refused({ $0.data.imageSize = [32, 32] }, "imageSize", "28×28")
    var augmented = TrainingConfiguration()
    augmented.augmentation = "crop:28:2,wobble"
    XCTAssertThrowsError(try augmented.validate()) { XCTAssertTrue($0 is TransformSpecError, "\($0)") }
  }

  /// The names and values are those `convnet train` recorded in checkpoints before the
  /// configuration existed, so that such checkpoints still continue.
  func testSettingsToMatch() throws {
    XCTAssertEqual(
      TrainingConfiguration().settingsToMatch,
      [
        "architecture": "lenet5", "optimizer": "sgd", "learning rate": "0.05", "momentum": "0.9",
        "weight decay": "0.0", "schedule": "cosine", "label smoothing": "0.0", "augmentation": "none",
        "normalisation": "none", "frozen": "none",
      ])
    let configuration = try Self.everyFieldSet()
    XCTAssertEqual(configuration.settingsToMatch["frozen"], "conv1,bn1")
    XCTAssertEqual(configuration.settingsToMatch["learning rate"], "0.002")
    XCTAssertEqual(configuration.settingsToMatch["schedule"], "step:10:0.5")

    var other = configuration
    other.optimizer.kind = .adam
    other.epochs = 40  // may differ
    other.seed = 2  // may differ
    other.frozenPrefixes = []
    let differing = other.settingsDiffering(from: configuration)
    XCTAssertEqual(differing.map(\.setting), ["optimizer", "frozenPrefixes"])
    XCTAssertEqual(differing.map(\.value), ["adam", "none"])
    XCTAssertEqual(differing.map(\.recorded), ["adamw", "conv1,bn1"])
  }

  /// The checkpoint's metadata carries the configuration; metadata written before it existed
  /// (no "convnet.configuration") reads with none.
  func testTrainingStateCarriesTheConfiguration() throws {
    let configuration = try Self.everyFieldSet()
    let state = TrainingState(
      epoch: 2, globalStep: 20, cycles: [0, 30], settings: configuration.settingsToMatch,
      configuration: configuration)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "convnet-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("c.safetensors")
    let model = Sequential { Linear(2, 2) }
    try Checkpoint.save(model: model, optimizer: nil, architecture: "test", state: state, to: url)
    XCTAssertEqual(try Checkpoint.recordedState(at: url), state)
    XCTAssertEqual(try Checkpoint.recordedState(at: url)?.configuration, configuration)

    let older: [String: String] = [
      "convnet.checkpoint": "2", "epoch": "1", "convnet.step": "0", "convnet.global_step": "4",
      "convnet.epoch_progress": "0,0,0", "convnet.cycles": "0,2", "convnet.settings": "optimizer=sgd",
      "architecture": "test", "format": "pt",
    ]
    let olderURL = directory.appendingPathComponent("older.safetensors")
    try SafetensorsFile.write(
      model.stateDict().map { (name: $0.name, tensor: $0.value, dtype: SafetensorsDType.f32) },
      metadata: older,
      to: olderURL)
    let read = try XCTUnwrap(try Checkpoint.recordedState(at: olderURL))
    XCTAssertNil(read.configuration)
    XCTAssertEqual(read.settings, ["optimizer": "sgd"])
    XCTAssertEqual(read.cycles, [0, 2])

    var broken = older
    broken["convnet.configuration"] = #"{"epochs": "many"}"#
    try SafetensorsFile.write(
      model.stateDict().map { (name: $0.name, tensor: $0.value, dtype: SafetensorsDType.f32) },
      metadata: broken,
      to: olderURL)
    XCTAssertThrowsError(try Checkpoint.recordedState(at: olderURL)) { error in
      XCTAssertTrue("\(error)".contains("convnet.configuration"), "\(error)")
    }
  }
}
