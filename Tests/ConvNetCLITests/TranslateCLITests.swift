import Foundation
import TestSupport
import XCTest

/// `convnet train-translate --resume`: options left out continue as saved, options repeating the
/// saved values are accepted, and options contradicting them are refused before any training.
final class TranslateCLITests: XCTestCase {
  func testResumeRefusesContradictingOptions() throws {
    let directory = try makeTemporaryDirectory()
    // 40 word → character pairs: enough for a split and a one-epoch run of a tiny model.
    let words = ["one", "two", "three", "four", "five", "six", "seven", "eight"]
    let characters = ["一", "二", "三", "四", "五", "六", "七", "八"]
    var text = ""
    for i in 0..<40 {
      let (a, b) = (i % 8, (i / 8) % 8)
      text += "\(words[a]) \(words[b])\t\(characters[a])\(characters[b])\n"
    }
    let pairs = directory.appendingPathComponent("pairs.tsv")
    try Data(text.utf8).write(to: pairs)
    let weights = directory.appendingPathComponent("translate.safetensors").path
    let common = ["train-translate", "--pairs", pairs.path, "--beam", "1", "--examples", "0", "--save", weights]
    let train = try ConvNetExecutable.run(
      common + ["--embedding", "8", "--hidden", "12", "--epochs", "1", "--batch-size", "8", "--validation", "0.2"])
    XCTAssertEqual(train.status, 0, train.standardError)
    let saved = try Data(contentsOf: URL(fileURLWithPath: weights))

    let contradicting = try ConvNetExecutable.run(
      common + ["--resume", weights, "--epochs", "2", "--hidden", "16", "--batch-size", "4"])
    XCTAssertNotEqual(contradicting.status, 0)
    XCTAssertTrue(
      contradicting.standardError.contains(
        "--hidden 16 (the run used 12), --batch-size 4 (the run used 8) contradict the saved run"),
      contradicting.standardError)
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: weights)), saved)

    // Left out: embedding, batch size, validation; repeated: hidden. Continues from epoch 1.
    let resume = try ConvNetExecutable.run(common + ["--resume", weights, "--epochs", "2", "--hidden", "12"])
    XCTAssertEqual(resume.status, 0, resume.standardError)
    XCTAssertTrue(resume.standardOutput.contains("GRU hidden 12"), resume.standardOutput)
    XCTAssertTrue(resume.standardOutput.contains("resuming after epoch 1"), resume.standardOutput)
  }
}
