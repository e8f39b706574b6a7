import ConvNetAutograd
import ConvNetTensor
import TestSupport
import XCTest

/// `embedding` and `embeddingBag` (`Ops/Embedding.swift`): forward against index formulas,
/// the weight's backward against finite differences (ids are constants). The lookup runs the
/// `gatherRows` kernels, checked against their twins in `ConvNetKernelsTests/GatherRowsTests`;
/// PyTorch goldens (padding_idx, bag modes) are in `ConvNetNNTests/EmbeddingTests`.
final class EmbeddingGradientTests: XCTestCase {
  func testEmbedding() {
    let cases: [(rows: Int, dimension: Int, idShape: [Int], ids: [Float], seed: UInt64)] = [
      (6, 3, [2, 4], [5, 0, 0, 3, 1, 5, 5, 2], 1), (4, 5, [3], [3, 3, 3], 2), (3, 2, [1, 2, 2], [0, 2, 1, 0], 3),
    ]
    for (rows, dimension, idShape, ids, seed) in cases {
      let idTensor = Tensor(shape: idShape, scalars: ids)
      checkOp(
        "embedding \(rows)×\(dimension) ids \(idShape)", inputs: [random([rows, dimension], seed: seed)],
        reference: indexFormula(shape: idShape + [dimension]) { index, read in
          let flat = index.dropLast().enumerated().reduce(0) { $0 * idShape[$1.offset] + $1.element }
          return read(0, [Int(ids[flat]), index.last!])
        }, gradients: FiniteDifferences(tolerance: 1e-3)
      ) { embedding(Variable(idTensor), weight: $0[0]) }
    }
  }

  /// Bags of the first lengths[n] positions without the padding id 0: sums (or means) worked
  /// out from the ids' rows directly.
  func testEmbeddingBag() {
    let ids: [Float] = [1, 0, 2, 2, 3, 3, 0, 1, 4, 4, 4, 4]
    let lengths = [4, 3, 0]
    let included = lengths.flatMap { length in (0..<4).map { $0 < length } }
    for mode in EmbeddingBagMode.allCases {
      for paddingIdx in [nil, 0] as [Int?] {
        checkOp(
          "embeddingBag \(mode) padding \(String(describing: paddingIdx))", inputs: [random([5, 3], seed: 7)],
          reference: indexFormula(shape: [3, 3]) { index, read in
            let members = (0..<4).map { index[0] * 4 + $0 }.filter {
              included[$0] && Int(ids[$0]) != paddingIdx
            }
            let total = members.reduce(Float(0)) { $0 + read(0, [Int(ids[$1]), index[1]]) }
            return mode == .sum || members.isEmpty ? total : total / Float(members.count)
          }, gradients: FiniteDifferences(tolerance: 1e-3)
        ) {
          embeddingBag(
            Variable(Tensor(shape: [3, 4], scalars: ids)), weight: $0[0], included: included, mode: mode,
            paddingIdx: paddingIdx)
        }
      }
    }
  }

  /// The padding row gets no gradient although it is looked up (PyTorch's padding_idx).
  func testPaddingRowGetsNoGradient() {
    let weight = Variable(Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6]), requiresGrad: true)
    let y = embedding(Variable(Tensor(shape: [4], scalars: [1, 0, 1, 2])), weight: weight, paddingIdx: 1)
    XCTAssertEqual(y.value.scalars, [3, 4, 1, 2, 3, 4, 5, 6])
    y.backward(gradient: Tensor(shape: [4, 2], scalars: [1, 1, 2, 2, 3, 3, 4, 4]))
    XCTAssertEqual(weight.grad?.scalars, [2, 2, 0, 0, 4, 4])
  }
}
