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
    try Data(#"{"architecture": "lenet5", "started": "1970-01-01T00:00:00Z", "settings": {"epochs": "2"}}"#.utf8)
      .write(to: url)
    let loaded = try RunDescription.load(from: url)
    XCTAssertNil(loaded.configuration)
    XCTAssertEqual(loaded.settings, ["epochs": "2"])
  }
}
