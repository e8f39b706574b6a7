import ConvNetAutograd
import ConvNetTensor
import TestSupport
import XCTest

/// `sum(_:axes:keepDims:)` and `mean(_:axes:keepDims:)` (`Ops/Reduction.swift`): forward
/// against a sum in Double over every input index that maps to an output index, backward
/// against finite differences.
final class ReductionGradientTests: XCTestCase {
  func testSumAndMeanOverAxes() {
    let cases: [(shape: [Int], axes: [Int], seed: UInt64)] = [
      ([2, 3, 4], [1], 1), ([2, 3, 4], [0, 2], 2), ([2, 3, 4], [-1], 3), ([3, 4], [0, 1], 4),
      ([2, 1, 3], [1], 5), ([4], [], 6),
    ]
    for (shape, axes, seed) in cases {
      let reduced = Set(axes.map { $0 < 0 ? $0 + shape.count : $0 })
      let count = reduced.reduce(1) { $0 * shape[$1] }
      for keepDims in [false, true] {
        for mean in [false, true] {
          let kept = shape.indices.map { reduced.contains($0) ? 1 : shape[$0] }
          let outputShape = keepDims ? kept : shape.indices.filter { !reduced.contains($0) }.map { shape[$0] }
          let reference = OpReference { t in
            var totals = [Double](repeating: 0, count: Tensor.elementCount(of: kept))
            for (flat, value) in t[0].scalars.enumerated() {
              let index = multiIndex(flat, in: shape)
              let target = shape.indices.reduce(0) { $0 * kept[$1] + (reduced.contains($1) ? 0 : index[$1]) }
              totals[target] += Double(value)
            }
            return Tensor(shape: outputShape, scalars: totals.map { Float(mean ? $0 / Double(count) : $0) })
          }
          checkOp(
            "\(mean ? "mean" : "sum") \(shape) axes \(axes) keepDims \(keepDims)",
            inputs: [random(shape, seed: seed)], reference: reference,
            gradients: FiniteDifferences(tolerance: 1e-3)
          ) { mean ? ConvNetAutograd.mean($0[0], axes: axes, keepDims: keepDims) : sum($0[0], axes: axes, keepDims: keepDims) }
        }
      }
    }
  }

  func testHandWorked() {
    let x = Variable(Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]), requiresGrad: true)
    XCTAssertEqual(sum(x, axes: [1]).value, Tensor(shape: [2], scalars: [6, 15]))
    XCTAssertEqual(mean(x, axes: [0], keepDims: true).value, Tensor(shape: [1, 3], scalars: [2.5, 3.5, 4.5]))
    mean(x, axes: [1]).backward(gradient: Tensor(shape: [2], scalars: [3, 6]))
    XCTAssertEqual(x.grad?.scalars, [1, 1, 1, 2, 2, 2])
  }
}
