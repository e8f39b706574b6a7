import ConvNet
import Foundation
import XCTest

/// `convnet train --resume CKPT` continues with the configuration the checkpoint recorded:
/// options left out are taken from it, options that contradict it are refused naming the
/// option; and library errors about a setting name the option that sets it.
final class ResumeConfigurationCLITests: XCTestCase {
  /// A CSV of 32 images (sparse seeded pixels, labels 0…9 in turn): 4 batches of 8.
  private func makeCSV(in directory: URL) throws -> URL {
    var generator = SeededGenerator(seed: 5)
    var text = "label," + (0..<784).map { "pixel\($0)" }.joined(separator: ",") + "\n"
    for row in 0..<32 {
      let pixels = (0..<784).map { _ in generator.next() % 4 == 0 ? String(generator.next() % 256) : "0" }
      text += "\(row % 10)," + pixels.joined(separator: ",") + "\n"
    }
    let url = directory.appendingPathComponent("train.csv")
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url
  }

  private func errorLine(_ run: ConvNetExecutable.Run) -> String {
    run.standardError.split(separator: "\n").last.map(String.init) ?? ""
  }

  /// Stopped by --max-steps inside epoch 2 and continued with `--resume` alone, the run ends
  /// with the weights of the same options run straight through.
  func testResumeAdoptsTheRecordedOptions() throws {
    let directory = try makeTemporaryDirectory(prefix: "convnet-resume-config")
    let data = try makeCSV(in: directory)
    let options = [
      "train", "--data", data.path, "--arch", "smallcnn", "--epochs", "2", "--batch-size", "8",
      "--optimizer", "adam", "--lr", "0.002", "--schedule", "step:1:0.5", "--augment", "crop:28:2",
      "--label-smoothing", "0.1", "--seed", "3", "--normalize", "mnist",
    ]
    let reference = directory.appendingPathComponent("reference.safetensors")
    let straight = try ConvNetExecutable.run(options + ["--save", reference.path])
    XCTAssertEqual(straight.status, 0, straight.standardError)

    let checkpoint = directory.appendingPathComponent("run.safetensors")
    let limited = try ConvNetExecutable.run(options + ["--save", checkpoint.path, "--max-steps", "5"])
    XCTAssertEqual(limited.status, 0, limited.standardError)
    let resumed = try ConvNetExecutable.run(["train", "--resume", checkpoint.path])
    XCTAssertEqual(resumed.status, 0, resumed.standardError)
    XCTAssertTrue(resumed.standardError.contains("continuing from epoch 2, step 1"), resumed.standardError)
    XCTAssertTrue(resumed.standardError.contains("smallcnn"), resumed.standardError)
    XCTAssertTrue(resumed.standardError.contains("Adam lr 0.002"), resumed.standardError)
    XCTAssertEqual(try readStateDict(from: checkpoint), try readStateDict(from: reference))
    let recorded = try XCTUnwrap(try Checkpoint.recordedState(at: checkpoint)?.configuration)
    XCTAssertEqual(recorded.data.path, data.path)
    XCTAssertEqual(recorded.optimizer, OptimizerChoice(kind: .adam, learningRate: 0.002))
    XCTAssertNil(recorded.maximumSteps)

    // An option that contradicts the checkpoint is refused, naming it and the recorded value.
    let conflicting = try ConvNetExecutable.run([
      "train", "--resume", checkpoint.path, "--lr", "0.01", "--schedule", "cosine",
    ])
    XCTAssertEqual(conflicting.status, 1, conflicting.standardError)
    XCTAssertEqual(
      errorLine(conflicting),
      "Error: --lr 0.01, --schedule cosine: the checkpoint \(checkpoint.path) was trained with learning rate 0.002, "
        + "schedule step:1:0.5; continuing needs the same settings (leave --lr, --schedule out to continue with the "
        + "recorded ones)")
    // Repeating a recorded value is no contradiction; more epochs extend the run.
    let extended = try ConvNetExecutable.run([
      "train", "--resume", checkpoint.path, "--optimizer", "ADAM", "--epochs", "3",
    ])
    XCTAssertEqual(extended.status, 0, extended.standardError)
    XCTAssertTrue(
      extended.standardError.contains("extending a run planned for 2 epochs to 3"), extended.standardError)
  }

  /// A diverging loss: the library says "a lower learning rate", the command line adds the option.
  func testDivergingLossNamesTheOption() throws {
    let directory = try makeTemporaryDirectory(prefix: "convnet-resume-config")
    let data = try makeCSV(in: directory)
    let run = try ConvNetExecutable.run([
      "train", "--data", data.path, "--arch", "smallcnn", "--batch-size", "8", "--lr", "1e12", "--epochs",
      "1",
    ])
    XCTAssertEqual(run.status, 1, run.standardError)
    XCTAssertTrue(errorLine(run).hasPrefix("Error: the loss became"), run.standardError)
    XCTAssertTrue(errorLine(run).hasSuffix("Try a lower learning rate (--lr)."), run.standardError)
  }
}
