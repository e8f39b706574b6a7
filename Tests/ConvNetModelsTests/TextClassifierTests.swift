import ConvNetAutograd
import ConvNetIO
import ConvNetModels
import ConvNetNN
import ConvNetTensor
import Foundation
import TestSupport
import XCTest

/// The text classifiers against PyTorch (`Fixtures/textclassifiers/make_text_classifier_references.py`
/// defines them from torch.nn, with seeded random weights, and runs a padded batch of four rows
/// of lengths 9, 6, 3 and 1), their keys and shapes, and their independence of padding.
final class TextClassifierTests: XCTestCase {
  static let kinds: [(name: String, kind: TextClassifierDescription.Kind)] = [
    ("textcnn", .textCNN), ("embedding_logistic", .embeddingLogistic), ("bilstm", .biLSTM),
  ]

  func fixture(_ name: String) throws -> [String: Tensor] {
    let url = try XCTUnwrap(
      Bundle.module.url(forResource: name, withExtension: "safetensors", subdirectory: "Fixtures/textclassifiers"),
      "missing fixture \(name)")
    return try readStateDict(from: url)
  }

  /// Builds the model from the fixture's weight shapes alone, loads the weights strictly and
  /// compares the logits with PyTorch's.
  func assertLogitsMatchPyTorch(_ name: String, _ kind: TextClassifierDescription.Kind) throws {
    let weights = try fixture(name)
    let io = try fixture("\(name).io")
    let description = try TextClassifierDescription(kind: kind, shapes: weights.mapValues(\.shape), source: name)
    let model = description.build()
    try model.loadStateDict(weights)
    model.eval()
    let ids = try XCTUnwrap(io["ids"])
    let lengths = try XCTUnwrap(io["lengths"]).scalars.map { Int($0) }
    let logits = withoutGradients { model.logits(ids: Variable(ids), lengths: lengths) }.value
    assertClose(logits, try XCTUnwrap(io["logits"]), absoluteTolerance: 2e-5, relativeTolerance: 1e-5, name)
  }

  func testTextCNNMatchesPyTorch() throws { try assertLogitsMatchPyTorch("textcnn", .textCNN) }
  func testBiLSTMMatchesPyTorch() throws { try assertLogitsMatchPyTorch("bilstm", .biLSTM) }
  func testEmbeddingLogisticMatchesPyTorch() throws {
    try assertLogitsMatchPyTorch("embedding_logistic", .embeddingLogistic)
  }

  func testKeysShapesAndSizesReadBack() throws {
    let cnn = TextClassifierDescription(
      kind: .textCNN, vocabularySize: 50, embeddingSize: 8, classCount: 2, filters: 100)
    let keys = cnn.build().stateDict().map { "\($0.name) \($0.value.shape)" }
    XCTAssertEqual(
      keys,
      [
        "embedding.weight [50, 8]", "convs.0.weight [100, 8, 3]", "convs.0.bias [100]",
        "convs.1.weight [100, 8, 4]", "convs.1.bias [100]", "convs.2.weight [100, 8, 5]",
        "convs.2.bias [100]", "fc.weight [2, 300]", "fc.bias [2]",
      ])
    // 50·8 + 100·8·(3+4+5) + 300 + 300·2 + 2
    XCTAssertEqual(cnn.build().parameterCount, 400 + 9600 + 300 + 602)
    let lstm = TextClassifierDescription(
      kind: .biLSTM, vocabularySize: 50, embeddingSize: 8, classCount: 3, hiddenSize: 6)
    XCTAssertEqual(
      lstm.build().stateDict().map { "\($0.name) \($0.value.shape)" },
      [
        "embedding.weight [50, 8]", "lstm.weight_ih_l0 [24, 8]", "lstm.weight_hh_l0 [24, 6]",
        "lstm.bias_ih_l0 [24]", "lstm.bias_hh_l0 [24]", "lstm.weight_ih_l0_reverse [24, 8]",
        "lstm.weight_hh_l0_reverse [24, 6]", "lstm.bias_ih_l0_reverse [24]", "lstm.bias_hh_l0_reverse [24]",
        "fc.weight [3, 12]", "fc.bias [3]",
      ])
    let bag = TextClassifierDescription(kind: .embeddingLogistic, vocabularySize: 50, embeddingSize: 8, classCount: 2)
    XCTAssertEqual(
      bag.build().stateDict().map { "\($0.name) \($0.value.shape)" },
      ["embedding.weight [50, 8]", "fc.weight [2, 8]", "fc.bias [2]"])
    for description in [cnn, lstm, bag] {
      let shapes = Dictionary(uniqueKeysWithValues: description.build().stateDict().map { ($0.name, $0.value.shape) })
      XCTAssertEqual(try TextClassifierDescription(kind: description.kind, shapes: shapes, source: "w"), description)
      XCTAssertEqual(try TextClassifierDescription(serialized: description.serialized(), source: "w"), description)
    }
  }

  func testShapesThatDoNotFitAreNamed() throws {
    let cnn = TextClassifierDescription(kind: .textCNN, vocabularySize: 50, embeddingSize: 8, classCount: 2)
    var shapes = Dictionary(uniqueKeysWithValues: cnn.build().stateDict().map { ($0.name, $0.value.shape) })
    shapes["fc.weight"] = [2, 299]
    XCTAssertThrowsError(try TextClassifierDescription(kind: .textCNN, shapes: shapes, source: "w.safetensors")) {
      XCTAssertEqual(
        "\($0)",
        "w.safetensors: fc.weight has shape [2, 299], expected [2, 300] for a textcnn with vocabulary 50, "
          + "embedding 8, 2 classes")
    }
    shapes["embedding.weight"] = nil
    XCTAssertThrowsError(try TextClassifierDescription(kind: .textCNN, shapes: shapes, source: "w.safetensors")) {
      XCTAssertEqual("\($0)", "w.safetensors: no tensor embedding.weight, expected a textcnn state dict")
    }
    XCTAssertThrowsError(try TextClassifierDescription(serialized: "{}", source: "w.safetensors")) {
      XCTAssertEqual("\($0)", "w.safetensors: metadata convnet.text-classifier is not a text classifier description")
    }
  }

  /// A row's logits are the same alone (no padding) and in a batch padded to a longer row.
  func testPaddingDoesNotChangeARowsLogits() throws {
    for (_, kind) in Self.kinds {
      let description = TextClassifierDescription(
        kind: kind, vocabularySize: 30, embeddingSize: 6, classCount: 2, filters: 5, hiddenSize: 4)
      let model = RandomSource.withSeed(3) { description.build() }
      model.eval()
      let short: [Float] = [4, 9, 17, 2, 5, 11]
      let long: [Float] = [7, 3, 8, 21, 1, 1, 13, 29, 6, 10, 2]
      let alone = withoutGradients {
        model.logits(ids: Variable(Tensor(shape: [1, 6], scalars: short)), lengths: [6])
      }.value.scalars
      let batch = Tensor(shape: [2, 11], scalars: long + short + [Float](repeating: 0, count: 5))
      let together = withoutGradients { model.logits(ids: Variable(batch), lengths: [11, 6]) }.value.scalars
      for (a, b) in zip(alone, together.suffix(2)) {
        XCTAssertEqual(a, b, accuracy: 1e-5, "\(kind.rawValue)")
      }
    }
  }
}
