import ConvNet
import Foundation
import TestSupport
import XCTest

/// `convnet train-text` and `convnet classify-text` on a generated planted-phrase TSV: reviews of
/// neutral characters with one "好" (pos) or "差" (neg) planted (TextClassifierTrainingTests
/// explains the set and the accuracy bound).
final class TextCLITests: XCTestCase {
  func plantedTSV(in directory: URL, rows: Int = 300) throws -> String {
    let filler = (0..<40).map { Character(Unicode.Scalar(0x4E00 + 7 * $0)!) }
    var generator = SeededGenerator(seed: 7)
    var text = "text\tlabel\n"
    for i in 0..<rows {
      var characters = (0..<Int.random(in: 6...30, using: &generator)).map { _ in
        filler.randomElement(using: &generator)!
      }
      characters.insert(i % 2 == 1 ? "好" : "差", at: Int.random(in: 0...characters.count, using: &generator))
      text += String(characters) + "\t" + (i % 2 == 1 ? "pos" : "neg") + "\n"
    }
    let url = directory.appendingPathComponent("planted.tsv")
    try Data(text.utf8).write(to: url)
    return url.path
  }

  func testTrainThenClassify() throws {
    let directory = try makeTemporaryDirectory()
    let data = try plantedTSV(in: directory)
    let weights = directory.appendingPathComponent("bag.safetensors").path
    let train = try ConvNetExecutable.run([
      "train-text", "--data", data, "--arch", "embedding-logistic", "--embedding", "16", "--min-count", "1",
      "--epochs", "6", "--batch-size", "16", "--lr", "0.01", "--save", weights,
    ])
    XCTAssertEqual(train.status, 0, train.standardError)
    XCTAssertTrue(train.standardError.contains("epoch 6/6"), train.standardError)
    XCTAssertTrue(train.standardError.contains("validation acc"), train.standardError)
    XCTAssertTrue(train.standardOutput.contains("240 training, 30 validation, 30 test texts"), train.standardOutput)
    let accuracy = try XCTUnwrap(
      train.standardOutput.split(separator: "\n").first { $0.hasPrefix("test accuracy") }?
        .split(separator: " ")[2]).flatMap { Double($0) }
    XCTAssertGreaterThanOrEqual(try XCTUnwrap(accuracy), 90, train.standardOutput)
    let classify = try ConvNetExecutable.run(["classify-text", "--weights", weights, "一丁七好万丈", "一丁七差万丈"])
    XCTAssertEqual(classify.status, 0, classify.standardError)
    let lines = classify.standardOutput.split(separator: "\n").map(String.init)
    XCTAssertTrue(lines.contains { $0.hasPrefix("pos") && $0.hasSuffix("一丁七好万丈") }, classify.standardOutput)
    XCTAssertTrue(lines.contains { $0.hasPrefix("neg") && $0.hasSuffix("一丁七差万丈") }, classify.standardOutput)
    // An option that contradicts the saved run is refused before any training, naming the
    // option and the saved value; the checkpoint is left as it was.
    let saved = try Data(contentsOf: URL(fileURLWithPath: weights))
    let contradicting = try ConvNetExecutable.run([
      "train-text", "--data", data, "--resume", weights, "--epochs", "8", "--embedding", "32", "--lr", "0.01",
      "--save", weights,
    ])
    XCTAssertNotEqual(contradicting.status, 0)
    XCTAssertTrue(
      contradicting.standardError.contains("--embedding 32 (the run used 16) contradicts the saved run"),
      contradicting.standardError)
    XCTAssertFalse(contradicting.standardError.contains("epoch 7/8"), contradicting.standardError)
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: weights)), saved)
    // Resume to 8 epochs in all, repeating two saved options (allowed): two more epoch lines.
    let resume = try ConvNetExecutable.run([
      "train-text", "--data", data, "--resume", weights, "--epochs", "8", "--embedding", "16",
      "--arch", "embedding-logistic", "--save", weights,
    ])
    XCTAssertEqual(resume.status, 0, resume.standardError)
    XCTAssertTrue(resume.standardOutput.contains("after epoch 6 of 8"), resume.standardOutput)
    XCTAssertTrue(resume.standardError.contains("epoch 8/8"), resume.standardError)
    XCTAssertFalse(resume.standardError.contains("epoch 6/8"), resume.standardError)
  }

  func testBadInputNamesTheFlagOrFile() throws {
    let directory = try makeTemporaryDirectory()
    let data = try plantedTSV(in: directory, rows: 40)
    let arch = try ConvNetExecutable.run(["train-text", "--data", data, "--arch", "gpt"])
    XCTAssertEqual(arch.status, 2)
    XCTAssertTrue(arch.standardError.contains("--arch gpt: unknown text classifier"), arch.standardError)
    let column = try ConvNetExecutable.run(["train-text", "--data", data, "--text-column", "review"])
    XCTAssertEqual(column.status, 1)
    XCTAssertTrue(column.standardError.contains("planted.tsv"), column.standardError)
    XCTAssertTrue(column.standardError.contains("review"), column.standardError)
    let split = try ConvNetExecutable.run(["train-text", "--data", data, "--test", "0"])
    XCTAssertEqual(split.status, 1)
    XCTAssertTrue(split.standardError.contains("--test must be above 0 and below 1, got 0.0"), split.standardError)
    let notClassifier = try ConvNetExecutable.run(["classify-text", "--weights", data, "好"])
    XCTAssertEqual(notClassifier.status, 1)
    XCTAssertTrue(notClassifier.standardError.contains("planted.tsv"), notClassifier.standardError)
  }
}
