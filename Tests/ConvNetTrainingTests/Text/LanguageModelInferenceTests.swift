import ConvNet
import Foundation
import TestSupport
import XCTest

/// `convnet infer --arch lstm-lm|gru-lm|rnn-lm` (the library call under it) on weights saved by
/// PyTorch's `state_dict()`, against PyTorch's logits: Fixtures/language-models/
/// make_language_models.py wrote the weights, an int64 batch of ids and the float64-computed
/// logits.
final class LanguageModelInferenceTests: XCTestCase {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures/language-models")

  private func fixture(_ name: String) -> URL { Self.fixtures.appendingPathComponent(name) }

  private func temporaryURL() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent(
      "LanguageModelInferenceTests-\(UUID().uuidString).safetensors")
  }

  func testLogitsMatchPyTorchForEveryCell() throws {
    // name: (V, E, H, L) as the script built them — read back from the weights.
    let sizes: [String: [Int]] = [
      "lstm-lm": [11, 5, 7, 2], "gru-lm": [9, 4, 6, 2], "rnn-lm": [13, 6, 5, 1],
    ]
    for cell in LanguageModel.Cell.allCases {
      let name = cell.architectureName
      let output = temporaryURL()
      defer { try? FileManager.default.removeItem(at: output) }
      let weights = fixture("\(name).safetensors")
      let configuration = try LanguageModel.Configuration(
        cell: cell, weightShapes: LanguageModelInference.weightShapes(at: weights), source: name)
      XCTAssertEqual(
        [
          configuration.vocabularySize, configuration.embeddingSize, configuration.hiddenSize,
          configuration.layers,
        ],
        sizes[name], name)
      let shape = try LanguageModelInference.run(
        cell: cell, weights: weights, input: fixture("\(name).input.safetensors"), output: output)
      let actual = try SafetensorsFile.read(from: output).tensor(named: "output")
      let expected = try SafetensorsFile.read(from: fixture("\(name).output.safetensors")).tensor(
        named: "output")
      XCTAssertEqual(shape, expected.shape, name)
      let scale = max(abs(expected.max()), abs(expected.min()))
      assertClose(actual, expected, absoluteTolerance: 1e-5 * scale, relativeTolerance: 1e-5, name)
    }
  }

  func testIdOutOfRangeIsRefusedNamingFileTensorAndId() throws {
    let input = temporaryURL()
    defer { try? FileManager.default.removeItem(at: input) }
    // lstm-lm's fixture has V = 11: id 11 at row 1, column 2 is one past the end.
    try SafetensorsFile.write(
      [(name: "input", tensor: Tensor(shape: [2, 3], scalars: [0, 1, 2, 3, 4, 11]), dtype: .i64)], to: input)
    XCTAssertThrowsError(
      try LanguageModelInference.run(
        cell: .lstm, weights: fixture("lstm-lm.safetensors"), input: input, output: temporaryURL())
    ) { error in
      let text = "\(error)"
      XCTAssertTrue(text.contains(input.path), text)
      XCTAssertTrue(text.contains("tensor \"input\""), text)
      XCTAssertTrue(text.contains("token id 11 at [1, 2]"), text)
      XCTAssertTrue(text.contains("0 ..< 11"), text)
    }
  }

  func testFloatIdsAndWrongRankAreRefused() throws {
    let input = temporaryURL()
    defer { try? FileManager.default.removeItem(at: input) }
    let file = try SafetensorsFile.read(from: fixture("lstm-lm.input.safetensors"))
    try SafetensorsFile.write(
      [(name: "input", tensor: Tensor(shape: [1, 2], scalars: [0, 1]), dtype: .f32)], to: input)
    XCTAssertThrowsError(
      try LanguageModelInference.tokenIDs(
        in: SafetensorsFile.read(from: input), tensor: "input", vocabularySize: 11)
    ) { XCTAssertTrue("\($0)".contains("dtype F32, expected I64"), "\($0)") }
    try SafetensorsFile.write(
      [(name: "input", tensor: Tensor(shape: [2], scalars: [0, 1]), dtype: .i64)], to: input)
    XCTAssertThrowsError(
      try LanguageModelInference.tokenIDs(
        in: SafetensorsFile.read(from: input), tensor: "input", vocabularySize: 11)
    ) { XCTAssertTrue("\($0)".contains("expected token ids [N, T]"), "\($0)") }
    // The fixture's ids are accepted and kept exactly.
    let ids = try LanguageModelInference.tokenIDs(in: file, tensor: "input", vocabularySize: 11)
    XCTAssertEqual(ids.scalars, try file.int64Values(named: "input").map { Float($0) })
  }

  func testWeightsOfAnotherCellAreNamed() throws {
    XCTAssertThrowsError(
      try LanguageModelInference.loadModel(cell: .lstm, weightsAt: fixture("gru-lm.safetensors"))
    ) { error in
      let text = "\(error)"
      XCTAssertTrue(text.contains("rnn.weight_hh_l0"), text)
      XCTAssertTrue(text.contains("look like gru-lm weights"), text)
    }
  }
}
