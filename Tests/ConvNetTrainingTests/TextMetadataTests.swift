import ConvNet
import Foundation
import XCTest

/// A vocabulary and a table's preprocessing stored in a weight file's metadata come back
/// unchanged, so a model loaded later maps text and rows exactly as in training.
final class TextMetadataTests: XCTestCase {
  func testVocabularyAndPreprocessingSurviveASafetensorsFile() throws {
    let vocabulary = Vocabulary.build(
      from: ["床前明月光，\n疑是地上霜。", "He said \"hi\"\t\\ ok"], tokenizer: .characters)
    let table = try DelimitedTable.parse(
      "x,colour,y\n0.1,red,1\n0.7,blue,2\n1.3,red,3\n", file: "t.csv", dialect: .csv)
    let preprocessing = try TabularPreprocessing.fit(table, target: "y", trainingRows: [0, 1, 2])
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "TextMetadataTests-\(UUID().uuidString).safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    try SafetensorsFile.write(
      [(name: "head.weight", tensor: Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]), dtype: .f32)],
      metadata: [
        Vocabulary.metadataKey: vocabulary.serialized(),
        TabularPreprocessing.metadataKey: preprocessing.serialized(),
      ], to: url)

    let file = try SafetensorsFile.read(from: url)
    let storedVocabulary = try XCTUnwrap(file.metadata[Vocabulary.metadataKey])
    XCTAssertEqual(try Vocabulary(serialized: storedVocabulary, source: url.path), vocabulary)
    let storedPreprocessing = try XCTUnwrap(file.metadata[TabularPreprocessing.metadataKey])
    XCTAssertEqual(try TabularPreprocessing(serialized: storedPreprocessing, source: url.path), preprocessing)
  }
}
