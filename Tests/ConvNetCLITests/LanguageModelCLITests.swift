import ConvNet
import Foundation
import XCTest

/// `convnet train-lm`, `convnet generate` and `convnet infer --arch lstm-lm` as a user runs
/// them, on a small fortune-style file written here.
final class LanguageModelCLITests: XCTestCase {
  /// Two "poems" with coloured title lines, as fortunes-zh lays them out.
  static let fortunes = """
    \u{1B}[32m《静夜思》\u{1B}[m
    \u{1B}[33m作者：李白\u{1B}[m
    床前明月光，疑是地上霜。
    举头望明月，低头思故乡。
    %
    \u{1B}[32m《春晓》\u{1B}[m
    \u{1B}[33m作者：孟浩然\u{1B}[m
    春眠不觉晓，处处闻啼鸟。
    夜来风雨声，花落知多少。
    %

    """

  func testTrainThenGenerateThenInfer() throws {
    let directory = try makeTemporaryDirectory()
    let text = directory.appendingPathComponent("poems.txt")
    try Data(Self.fortunes.utf8).write(to: text)
    let weights = directory.appendingPathComponent("lm.safetensors").path
    let train = try ConvNetExecutable.run([
      "train-lm", "--text", text.path, "--layout", "fortunes", "--drop-coloured-lines", "--embedding", "8",
      "--hidden", "16", "--window", "12", "--batch-size", "2", "--epochs", "2", "--validation", "0.5",
      "--save", weights,
    ])
    XCTAssertEqual(train.status, 0, train.standardError)
    XCTAssertTrue(
      train.standardOutput.contains("1 training and 1 validation documents"), train.standardOutput)
    XCTAssertTrue(train.standardOutput.contains("epoch 2/2"), train.standardOutput)
    XCTAssertTrue(train.standardOutput.contains("perplexity"), train.standardOutput)
    // The titles were dropped: 《 is not in the vocabulary saved with the weights.
    let vocabulary = try Vocabulary(
      serialized: XCTUnwrap(
        SafetensorsFile.read(from: URL(fileURLWithPath: weights)).metadata[Vocabulary.metadataKey]))
    XCTAssertFalse(vocabulary.contains("《"))

    let arguments = [
      "generate", "--weights", weights, "--prompt", "花", "--top-k", "3", "--length", "10", "--seed", "5",
    ]
    let first = try ConvNetExecutable.run(arguments)
    XCTAssertEqual(first.status, 0, first.standardError)
    XCTAssertTrue(first.standardOutput.hasPrefix("花"), first.standardOutput)
    XCTAssertEqual(try ConvNetExecutable.run(arguments).standardOutput, first.standardOutput)

    let unknown = try ConvNetExecutable.run(["generate", "--weights", weights, "--prompt", "月亮"])
    XCTAssertEqual(unknown.status, 1)
    XCTAssertTrue(unknown.standardError.contains("--prompt"), unknown.standardError)
    XCTAssertTrue(unknown.standardError.contains("\"亮\""), unknown.standardError)

    // The saved file is also a state dict that `infer` runs (optimiser state left out).
    let input = directory.appendingPathComponent("ids.safetensors")
    let output = directory.appendingPathComponent("logits.safetensors")
    try SafetensorsFile.write(
      [(name: "input", tensor: Tensor(shape: [1, 3], scalars: [3, 4, 5]), dtype: .i64)], to: input)
    let infer = try ConvNetExecutable.run([
      "infer", "--arch", "lstm-lm", "--weights", weights, "--input", input.path, "--output", output.path,
    ])
    XCTAssertEqual(infer.status, 0, infer.standardError)
    XCTAssertEqual(
      try SafetensorsFile.read(from: output).tensor(named: "output").shape, [1, 3, vocabulary.count])

    // A size that contradicts the saved run is refused, naming it, before any training.
    let saved = try Data(contentsOf: URL(fileURLWithPath: weights))
    let contradicting = try ConvNetExecutable.run([
      "train-lm", "--text", text.path, "--layout", "fortunes", "--drop-coloured-lines", "--hidden", "32",
      "--epochs", "3", "--resume", weights,
    ])
    XCTAssertNotEqual(contradicting.status, 0)
    XCTAssertTrue(contradicting.standardError.contains("hidden size was 16, now 32"), contradicting.standardError)
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: weights)), saved)

    // Sizes, window, batch size and split left out continue as saved; one repeated is fine.
    let resumed = try ConvNetExecutable.run([
      "train-lm", "--text", text.path, "--layout", "fortunes", "--drop-coloured-lines", "--hidden", "16",
      "--epochs", "3", "--resume", weights,
    ])
    XCTAssertEqual(resumed.status, 0, resumed.standardError)
    XCTAssertTrue(resumed.standardOutput.contains("resuming after epoch 2"), resumed.standardOutput)
    XCTAssertTrue(resumed.standardOutput.contains("epoch 3/3"), resumed.standardOutput)
    XCTAssertFalse(resumed.standardOutput.contains("epoch 1/3"), resumed.standardOutput)
  }
}
