import ConvNetData
import XCTest

final class VocabularyTests: XCTestCase {
  func testIdsBySpecialsThenFrequencyThenCodePoint() throws {
    // Counts: 月 3, 光 2, 明 2, 床 1, 前 1 — 光 (U+5149) before 明 (U+660E), 前 (U+524D) before 床 (U+5E8A).
    let texts = ["床前明月光", "明月", "月光"]
    let vocabulary = Vocabulary.build(from: texts, tokenizer: .characters)
    XCTAssertEqual(vocabulary.tokens, ["<pad>", "<unk>", "<bos>", "<eos>", "月", "光", "明", "前", "床"])
    // The same texts in another order give the same ids.
    XCTAssertEqual(Vocabulary.build(from: texts.reversed(), tokenizer: .characters), vocabulary)
    XCTAssertEqual(vocabulary.encode("床前雪", addBegin: true, addEnd: true), [2, 8, 7, 1, 3])
    XCTAssertEqual(vocabulary.decode([2, 8, 7, 1, 3]), "床前")
    XCTAssertEqual(vocabulary.decode([8, 1, 99], skippingSpecials: false), "床<unk><unk>")
  }

  func testFrequencyCutOffAndMaximumSize() {
    let texts = ["床前明月光", "明月", "月光"]
    XCTAssertEqual(
      Vocabulary.build(from: texts, tokenizer: .characters, minimumCount: 2).tokens.dropFirst(4),
      ["月", "光", "明"])
    XCTAssertEqual(
      Vocabulary.build(from: texts, tokenizer: .characters, maximumSize: 6).tokens.dropFirst(4), ["月", "光"])
  }

  func testSerialisationRoundTripsAndKeepsTheTokenizer() throws {
    let vocabulary = Vocabulary.build(
      from: ["Open the file.", "Close \"the\" file\t\\ now"], tokenizer: .words)
    let text = vocabulary.serialized()
    XCTAssertFalse(text.contains("\n"))
    let parsed = try Vocabulary(serialized: text, source: "model.safetensors")
    XCTAssertEqual(parsed, vocabulary)
    XCTAssertEqual(parsed.tokenizer, .words)
    XCTAssertEqual(parsed.encode("open the door"), vocabulary.encode("open the door"))
  }

  func testMalformedSerialisationsAreRejectedWithTheField() {
    let good =
      #"{"format":"convnet.vocabulary","tokenizer":"characters","tokens":["<pad>","<unk>","<bos>","<eos>","a"],"version":1}"#
    XCTAssertNoThrow(try Vocabulary(serialized: good))
    let cases: [(String, [String])] = [
      ("not json", ["w.safetensors", "not a JSON object"]),
      (good.replacingOccurrences(of: "\"version\":1", with: "\"version\":2"), ["\"version\"", "expected 1"]),
      (good.replacingOccurrences(of: "\"characters\"", with: "\"bytes\""), ["\"tokenizer\"", "bytes"]),
      (good.replacingOccurrences(of: "\"<unk>\",", with: ""), ["special tokens"]),
      (good.replacingOccurrences(of: "\"a\"", with: "\"<bos>\""), ["token 4", "repeats token 2"]),
      (good.replacingOccurrences(of: "\"a\"", with: "\"\""), ["token 4", "empty"]),
      (good.replacingOccurrences(of: "\"a\"", with: "7"), ["\"tokens\"", "not a list of strings"]),
    ]
    for (text, fragments) in cases {
      assertDataError(fragments) { _ = try Vocabulary(serialized: text, source: "w.safetensors") }
    }
  }
}
