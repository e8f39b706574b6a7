import ConvNetAutograd
import ConvNetNN
import ConvNetTensor
import TestSupport
import XCTest

/// `Embedding` and `EmbeddingBag` against PyTorch (`EmbeddingGoldens.swift`, written by
/// `Fixtures/embedding/make_embedding_goldens.py`): outputs and weight gradients with and
/// without padding_idx, bags by sum and mean (with an empty bag); PyTorch's initialisation; the
/// id check callers use.
final class EmbeddingTests: XCTestCase {
  func testAgainstPyTorch() throws {
    XCTAssertEqual(embeddingGoldens.count, 7)
    for golden in embeddingGoldens {
      let weight = Tensor(shape: [golden.rows, golden.dimension], scalars: golden.weight)
      let ids = Variable(Tensor(shape: golden.idShape, scalars: golden.ids))
      let output: Variable
      let parameter: Variable
      if let mode = golden.mode, let lengths = golden.lengths {
        let layer = EmbeddingBag(
          numEmbeddings: golden.rows, embeddingDim: golden.dimension, mode: try XCTUnwrap(EmbeddingBagMode(rawValue: mode)),
          paddingIdx: golden.paddingIdx)
        layer.weight.value = weight
        output = layer.bag(ids: ids, lengths: lengths)
        parameter = layer.weight
      } else {
        let layer = Embedding(numEmbeddings: golden.rows, embeddingDim: golden.dimension, paddingIdx: golden.paddingIdx)
        layer.weight.value = weight
        output = layer(ids)
        parameter = layer.weight
      }
      let expected = Tensor(shape: output.shape, scalars: golden.output)
      assertClose(output.value, expected, absoluteTolerance: 1e-6, relativeTolerance: 1e-5, "\(golden.name): output")
      output.backward(gradient: Tensor(shape: output.shape, scalars: golden.projection))
      assertClose(
        try XCTUnwrap(parameter.grad), Tensor(shape: weight.shape, scalars: golden.weightGradient),
        absoluteTolerance: 1e-6, relativeTolerance: 1e-5, "\(golden.name): weight gradient")
    }
  }

  /// N(0, 1) weights (PyTorch's `normal_`), the padding row zero; key `weight`.
  func testInitialisation() {
    let layer = RandomSource.withSeed(3) { Embedding(numEmbeddings: 400, embeddingDim: 50, paddingIdx: -1) }
    XCTAssertEqual(layer.paddingIdx, 399)
    XCTAssertEqual(layer.namedParameters().map(\.name), ["weight"])
    let values = layer.weight.value.scalars
    XCTAssertEqual(Array(values[399 * 50..<400 * 50]), [Float](repeating: 0, count: 50))
    let drawn = values[..<(399 * 50)]
    let mean = drawn.reduce(0, +) / Float(drawn.count)
    let variance = drawn.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Float(drawn.count)
    // 19 950 draws: the sample mean's standard error is 0.007, the variance's 0.01.
    XCTAssertEqual(mean, 0, accuracy: 0.03)
    XCTAssertEqual(variance, 1, accuracy: 0.05)
    XCTAssertEqual(layer.layerDescription, "Embedding(400, 50, padding 399)")
    XCTAssertEqual(layer.parameterFormula, "400·50 = 20000")
    XCTAssertEqual(EmbeddingBag(numEmbeddings: 10, embeddingDim: 4, mode: .sum).layerDescription, "EmbeddingBag(10, 4, mode sum)")
  }

  func testValidateIds() {
    let layer = Embedding(numEmbeddings: 5, embeddingDim: 2)
    XCTAssertNoThrow(try layer.validate(ids: Tensor(shape: [2, 2], scalars: [0, 4, 1, 2])))
    for (ids, position, id) in [([0, 5, 1] as [Float], 1, "5"), ([-1, 0, 0], 0, "-1"), ([1, 2, 2.5], 2, "2.5")] {
      XCTAssertThrowsError(try layer.validate(ids: Tensor(shape: [3], scalars: ids))) { error in
        XCTAssertEqual(
          String(describing: error), "token id \(id) at position \(position) is not in 0..<5 (the embedding table's rows)")
      }
    }
    XCTAssertThrowsError(try EmbeddingBag(numEmbeddings: 3, embeddingDim: 2).validate(ids: Tensor(shape: [1], scalars: [.nan])))
  }

  /// The mask form of a bag equals the lengths form for the same positions.
  func testBagMaskMatchesLengths() {
    let layer = RandomSource.withSeed(5) { EmbeddingBag(numEmbeddings: 6, embeddingDim: 3, mode: .mean, paddingIdx: 0) }
    let ids = Variable(Tensor(shape: [2, 3], scalars: [1, 0, 5, 2, 3, 4]))
    let byLengths = layer.bag(ids: ids, lengths: [3, 2]).value
    let byMask = layer.bag(ids: ids, mask: Tensor(shape: [2, 3], scalars: [1, 1, 1, 1, 1, 0])).value
    XCTAssertEqual(byLengths, byMask)
    XCTAssertEqual(byLengths.shape, [2, 3])
  }
}
