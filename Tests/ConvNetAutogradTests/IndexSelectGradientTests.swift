import ConvNetAutograd
import ConvNetTensor
import TestSupport
import XCTest

/// `indexSelect` and `maskedFill` (`Ops/IndexSelect.swift`, `Ops/MaskedFill.swift`): forward
/// against index formulas, backward against finite differences (repeated indices make the
/// backward add several rows into one). The gather kernels are checked against their twins in
/// `ConvNetKernelsTests/GatherRowsTests`.
final class IndexSelectGradientTests: XCTestCase {
  func testIndexSelect() {
    let cases: [(shape: [Int], axis: Int, indices: [Int], seed: UInt64)] = [
      ([5, 3], 0, [4, 0, 4, 2], 1), ([2, 4, 3], 1, [3, 3, 1], 2), ([2, 3, 4], -1, [0, 3], 3),
      ([6], 0, [-1, 0, 5, 5, 5], 4), ([3, 2], 0, [], 5),
    ]
    for (shape, axis, indices, seed) in cases {
      let a = axis < 0 ? axis + shape.count : axis
      var outputShape = shape
      outputShape[a] = indices.count
      checkOp(
        "indexSelect \(shape) axis \(axis) indices \(indices)", inputs: [random(shape, seed: seed)],
        reference: indexFormula(shape: outputShape) { index, read in
          var source = index
          source[a] = indices[index[a]] < 0 ? indices[index[a]] + shape[a] : indices[index[a]]
          return read(0, source)
        }, gradients: indices.isEmpty ? nil : FiniteDifferences(tolerance: 1e-3)
      ) { indexSelect($0[0], axis: axis, indices: indices) }
    }
  }

  func testMaskedFill() {
    let cases: [(shape: [Int], maskShape: [Int], value: Float, seed: UInt64)] = [
      ([2, 5], [2, 5], 0, 10), ([2, 3, 4], [2, 1, 4], -3, 11), ([3, 4], [4], 9, 12),
    ]
    for (shape, maskShape, value, seed) in cases {
      let mask = random(maskShape, seed: seed + 100).map { $0 > 0 ? 1 : 0 }
      checkOp(
        "maskedFill \(shape) mask \(maskShape) with \(value)", inputs: [random(shape, seed: seed), mask],
        reference: ArithmeticGradientTests.broadcasting { x, m in m != 0 ? value : x },
        gradients: nil
      ) { maskedFill($0[0], mask: $0[1].value, value: value) }
      checkGradients([random(shape, seed: seed)], tolerance: 1e-3) { maskedFill($0[0], mask: mask, value: value) }
    }
  }

  /// −∞ at masked positions (what attention needs before its softmax) and no gradient there.
  func testMaskedFillHandWorked() {
    let x = Variable(Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]), requiresGrad: true)
    let y = maskedFill(x, mask: Tensor(shape: [2], scalars: [0, 1]), value: -.infinity)
    XCTAssertEqual(y.value.scalars, [1, -.infinity, 3, -.infinity])
    y.backward(gradient: Tensor(shape: [2, 2], scalars: [5, 6, 7, 8]))
    XCTAssertEqual(x.grad?.scalars, [5, 0, 7, 0])
  }
}
