import ConvNetInsight
import Foundation
import XCTest

/// Event files written by `TensorBoardWriter`, read back by the `tensorboard` Python package
/// (Fixtures/read_tensorboard_events.py). Skipped when python3 or the package is missing.
final class TensorBoardReadBackTests: XCTestCase {
  private var script: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Fixtures/read_tensorboard_events.py")
  }

  /// Runs the reader; nil when it cannot run here.
  private func readBack(_ directory: URL) throws -> [String: Any]? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script.path, directory.path]
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    do { try process.run() } catch { return nil }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    if process.terminationStatus == 2 || process.terminationStatus == 127 { return nil }
    XCTAssertEqual(process.terminationStatus, 0, message)
    return try JSONSerialization.jsonObject(with: data) as? [String: Any]
  }

  func testTensorBoardReadsScalarsAndImages() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "convnet-tb-\(UUID().uuidString)")
    addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
    let clock = { Date(timeIntervalSince1970: 1_700_000_000.25) }
    let writer = try TensorBoardWriter(directory: directory, clock: clock)
    try writer.add(
      [.scalar(tag: "loss/train", value: 2.5), .scalar(tag: "accuracy/train", value: 0.25)], step: 50)
    try writer.add([.scalar(tag: "loss/train", value: 0.5)], step: 100)
    // Any bytes after the 8-byte PNG signature: the reader checks the record, not the picture.
    let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4]
    try writer.add(
      [.image(tag: "features", image: TensorBoardImage(width: 7, height: 5, channels: 3, png: png))],
      step: 100)

    guard let result = try readBack(directory) else {
      throw XCTSkip("python3 with the tensorboard package is not available (pip install tensorboard)")
    }
    let events = try XCTUnwrap(result["events"] as? [[String: Any]])
    guard events.count == 4 else { return XCTFail("expected 4 events, read \(events.count): \(events)") }
    XCTAssertEqual(events[0]["file_version"] as? String, "brain.Event:2")
    XCTAssertEqual(events[0]["wall_time"] as? Double, 1_700_000_000.25)
    XCTAssertEqual(events.map { $0["step"] as? Int }, [0, 50, 100, 100])
    let first = try XCTUnwrap(events[1]["values"] as? [[String: Any]])
    XCTAssertEqual(first.map { $0["tag"] as? String }, ["loss/train", "accuracy/train"])
    XCTAssertEqual(first.map { $0["simple_value"] as? Double }, [2.5, 0.25])
    let image = try XCTUnwrap((events[3]["values"] as? [[String: Any]])?.first?["image"] as? [String: Any])
    XCTAssertEqual(image["width"] as? Int, 7)
    XCTAssertEqual(image["height"] as? Int, 5)
    XCTAssertEqual(image["colorspace"] as? Int, 3)
    XCTAssertEqual(image["bytes"] as? Int, 12)
    XCTAssertEqual(image["png_signature"] as? Bool, true)

    let scalars = try XCTUnwrap(result["scalars"] as? [String: [[Double]]])
    XCTAssertEqual(scalars["loss/train"], [[50, 2.5], [100, 0.5]])
    XCTAssertEqual(scalars["accuracy/train"], [[50, 0.25]])
    let images = try XCTUnwrap(result["images"] as? [String: [[Int]]])
    XCTAssertEqual(images["features"], [[100, 7, 5]])
  }
}
