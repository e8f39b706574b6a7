import ConvNet
import Foundation
import XCTest

/// `convnet train` records its run (history, run.json, TensorBoard); `convnet plot` draws it.
final class HistoryCLITests: XCTestCase {

  private func convnet(_ arguments: [String], in directory: URL? = nil) throws -> ConvNetExecutable.Run {
    try ConvNetExecutable.run(arguments, in: directory)
  }

  private func temporaryDirectory() throws -> URL { try makeTemporaryDirectory() }

  /// With --save: history and run.json beside the weights; a resume appends to the history and
  /// lists itself in run.json; --tensorboard writes an event file.
  func testTrainRecordsBesideCheckpointAndResumeAppends() throws {
    let directory = try temporaryDirectory()
    let weights = directory.appendingPathComponent("lenet.safetensors")
    let first = try convnet([
      "train", "--epochs", "2", "--max-steps", "6", "--batch-size", "16", "--no-shuffle", "--history-every",
      "2",
      "--save", weights.path, "--tensorboard", directory.appendingPathComponent("tb").path,
    ])
    XCTAssertEqual(first.status, 0, first.standardError)
    let record = try RunRecord.locate(weights)
    let history = try record.loadHistory()
    // 6 steps: step lines at 2, 4, 6 and the (cut-short) epoch 1 line at step 6.
    XCTAssertEqual(history.entries.map(\.step), [2, 4, 6, 6])
    let epoch = try XCTUnwrap(history.epochs.first)
    XCTAssertNotNil(epoch.testAccuracy)
    XCTAssertNotNil(epoch.testLoss)
    XCTAssertEqual(epoch.learningRate != nil, true)
    let description = try record.loadDescription()
    XCTAssertEqual(description.architecture, "lenet5")
    XCTAssertEqual(description.settings["batch-size"], "16")
    XCTAssertEqual(description.settings["lr"], "0.05")
    XCTAssertEqual(description.dataset?.trainCount, 60000)
    XCTAssertEqual(description.weights, weights.path)
    XCTAssertEqual(description.parameterCount, 61706)
    let events = try FileManager.default.contentsOfDirectory(
      atPath: directory.appendingPathComponent("tb").path)
    XCTAssertEqual(events.filter { $0.hasPrefix("events.out.tfevents.") }.count, 1, "\(events)")
    // Tags are stored as plain strings in the records: the epoch's scalars and its picture.
    let eventData = try Data(
      contentsOf: directory.appendingPathComponent("tb").appendingPathComponent(events[0]))
    for tag in ["loss/test", "accuracy/train_steps", "feature_maps/features.0"] {
      XCTAssertNotNil(eventData.range(of: Data(tag.utf8)), tag)
    }
    XCTAssertNotNil(eventData.range(of: Data([0x89, 0x50, 0x4E, 0x47])), "a PNG in the event file")

    // convnet plot finds the history from the checkpoint and writes a picture of the asked size.
    let curves = directory.appendingPathComponent("curves.png")
    let plot = try convnet(["plot", weights.path, "--out", curves.path, "--size", "900x400"])
    XCTAssertEqual(plot.status, 0, plot.standardError)
    let picture = try ImageDecoder.decode(contentsOf: curves)
    XCTAssertEqual([picture.width, picture.height, picture.channels], [900, 400, 3])
    let missing = try convnet(["plot", directory.appendingPathComponent("nothing.safetensors").path])
    XCTAssertNotEqual(missing.status, 0)
    XCTAssertTrue(missing.standardError.contains("no training history"), missing.standardError)

    // The checkpoint stopped inside epoch 1, after its 6th step; the resume (same options, a
    // larger --max-steps) continues with steps 7 and 8 and appends their lines. The cut-short
    // epoch-1 line at step 6 is superseded on reading by the one at step 8.
    let resumed = try convnet([
      "train", "--epochs", "2", "--max-steps", "8", "--batch-size", "16", "--no-shuffle", "--history-every",
      "2",
      "--resume", weights.path,
    ])
    XCTAssertEqual(resumed.status, 0, resumed.standardError)
    let after = try record.loadHistory()
    XCTAssertEqual(after.entries.map(\.step), [2, 4, 6, 8, 8])
    XCTAssertEqual(after.epochs.map(\.epoch), [1])
    let afterDescription = try record.loadDescription()
    XCTAssertEqual(afterDescription.resumes.map(\.afterEpoch), [0])
    XCTAssertEqual(afterDescription.started, description.started)
  }

  /// Without --save the run gets its own folder under --runs-dir.
  func testTrainWithoutSaveWritesRunFolder() throws {
    let directory = try temporaryDirectory()
    let run = try convnet(["train", "--epochs", "1", "--max-steps", "3", "--runs-dir", directory.path])
    XCTAssertEqual(run.status, 0, run.standardError)
    let folders = try FileManager.default.contentsOfDirectory(atPath: directory.path)
    XCTAssertEqual(folders.count, 1)
    let folder = try XCTUnwrap(folders.first)
    XCTAssertTrue(folder.hasPrefix("lenet5-2"), folder)
    XCTAssertEqual(folder.count, "lenet5-yyyyMMdd-HHmmss".count)
    let record = try RunRecord.locate(directory.appendingPathComponent(folder))
    XCTAssertEqual(try record.loadHistory().epochs.count, 1)
    XCTAssertNil(record.weightsURL)

    // A --save folder that does not exist is reported before training, not created.
    let missing = directory.appendingPathComponent("no/such/folder/m.safetensors").path
    let failed = try convnet(["train", "--max-steps", "1", "--save", missing])
    XCTAssertNotEqual(failed.status, 0)
    XCTAssertTrue(failed.standardError.contains("--save: \(missing)"), failed.standardError)
    XCTAssertTrue(failed.standardError.contains("does not exist"), failed.standardError)
    XCTAssertFalse(failed.standardError.contains("epoch 1/"), failed.standardError)
  }

  /// eval --confusion-png and --mistakes-png write pictures that decode.
  func testEvalWritesConfusionAndMistakesPictures() throws {
    let directory = try temporaryDirectory()
    let weights = directory.appendingPathComponent("w.safetensors").path
    let train = try convnet(["train", "--epochs", "1", "--max-steps", "10", "--save", weights])
    XCTAssertEqual(train.status, 0, train.standardError)
    let confusion = directory.appendingPathComponent("confusion.png")
    let mistakes = directory.appendingPathComponent("mistakes.png")
    let eval = try convnet([
      "eval", "--weights", weights, "--confusion-png", confusion.path, "--mistakes-png", mistakes.path,
      "--mistakes", "12",
    ])
    XCTAssertEqual(eval.status, 0, eval.standardError)
    XCTAssertTrue(eval.standardError.contains("12 mistakes"), eval.standardError)
    let heatMap = try ImageDecoder.decode(contentsOf: confusion)
    XCTAssertGreaterThan(heatMap.width, 10 * 30)
    let grid = try ImageDecoder.decode(contentsOf: mistakes)
    XCTAssertGreaterThan(grid.height, 2 * 84)
  }
}
