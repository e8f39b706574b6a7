import ConvNetAutograd
import ConvNetTensor
import TestSupport
import XCTest

/// `indexGather`, `indexScatterSum` and `maxAlongLastAxis` (`Ops/IndexGather.swift`): the
/// re-indexing primitives of the ONNX importer.
final class IndexGatherGradientTests: XCTestCase {
  /// A source map with repeats (the backward must add) and fills (−1).
  static let sources: [Int32] = [5, 0, -1, 2, 2, 11, 7, -1, 0, 3, 3, 3]

  func testIndexGather() {
    for (fill, seed) in [(0 as Float, 31 as UInt64), (-2.5, 32)] {
      checkOp(
        "indexGather fill \(fill)", inputs: [random([3, 4], seed: seed)],
        reference: OpReference { inputs in
          let x = inputs[0].scalars
          return Tensor(shape: [2, 6], scalars: Self.sources.map { $0 < 0 ? fill : x[Int($0)] })
        },
        gradients: FiniteDifferences(samples: 12, tolerance: 1e-3)
      ) { indexGather($0[0], sources: Self.sources, shape: [2, 6], fill: fill) }
    }
  }

  func testIndexScatterSum() {
    // Every input element goes to target i % 4, except −1 (dropped).
    let targets: [Int32] = (0..<12).map { $0 == 7 ? -1 : Int32($0 % 4) }
    checkOp(
      "indexScatterSum", inputs: [random([2, 6], seed: 33)],
      reference: OpReference { inputs in
        var sums = [Float](repeating: 0, count: 4)
        for (i, v) in inputs[0].scalars.enumerated() where targets[i] >= 0 { sums[Int(targets[i])] += v }
        return Tensor(shape: [2, 2], scalars: sums)
      },
      gradients: FiniteDifferences(samples: 12, tolerance: 1e-3)
    ) { indexScatterSum($0[0], targets: targets, shape: [2, 2]) }
  }

  func testMaxAlongLastAxis() {
    // Distinct values (a random permutation scaled) so that no central difference crosses a tie.
    var generator = SeededGenerator(seed: 34)
    let values = (0..<30).map { Float($0) * 0.37 - 5 }.shuffled(using: &generator)
    checkOp(
      "maxAlongLastAxis", inputs: [Tensor(shape: [2, 3, 5], scalars: values)],
      reference: OpReference { inputs in
        let x = inputs[0].scalars
        return Tensor(shape: [2, 3], scalars: (0..<6).map { x[($0 * 5)..<($0 * 5 + 5)].max()! })
      },
      gradients: FiniteDifferences(samples: 30, tolerance: 1e-3)
    ) { maxAlongLastAxis($0[0]) }
  }

  /// By hand: gathering [10, 20, 30] with sources [2, −1, 0, 2] and fill 7 gives [30, 7, 10, 30];
  /// the gradient of its sum is [1, 0, 2] (element 2 was read twice, element 1 never).
  func testHandValues() {
    let x = Variable(Tensor(shape: [3], scalars: [10, 20, 30]), requiresGrad: true)
    let y = indexGather(x, sources: [2, -1, 0, 2], shape: [4], fill: 7)
    XCTAssertEqual(y.value.scalars, [30, 7, 10, 30])
    y.sum().backward()
    XCTAssertEqual(x.grad?.scalars, [1, 0, 2])
  }
}
