import ConvNetAutograd
import ConvNetTensor
import TestSupport
import XCTest

/// `concatenate` and `scaleChannels` (`Ops/Concatenate.swift`): forward against plain index
/// formulas, backward against finite differences. Both are inline loops with no kernel.
final class ConcatenateGradientTests: XCTestCase {
  func testConcatenate() {
    let cases: [(shapes: [[Int]], axis: Int, seed: UInt64)] = [
      ([[2, 2, 3, 3], [2, 3, 3, 3]], 1, 16), ([[1, 4], [3, 4], [2, 4]], 0, 40),
      ([[2, 3, 1], [2, 3, 2]], -1, 43), ([[2, 1, 2, 2]], 1, 46),
    ]
    for (shapes, axis, seed) in cases {
      let inputs = shapes.enumerated().map { random($0.element, seed: seed + UInt64($0.offset)) }
      checkOp(
        "concatenate \(shapes) axis \(axis)", inputs: inputs,
        reference: OpReference { t in
          // Row-major: for each index before the axis, every input's block in turn.
          let a = axis < 0 ? axis + shapes[0].count : axis
          let outer = shapes[0][..<a].reduce(1, *)
          let blocks = t.map { $0.scalars.count / outer }
          var values: [Float] = []
          for o in 0..<outer {
            for (input, block) in zip(t, blocks) { values += input.scalars[o * block..<(o + 1) * block] }
          }
          var shape = shapes[0]
          shape[a] = shapes.map { $0[a] }.reduce(0, +)
          return Tensor(shape: shape, scalars: values)
        },
        gradients: FiniteDifferences(tolerance: 1e-3)
      ) { concatenate($0, axis: axis) }
    }
  }

  /// y[n, c, …] = x[n, c, …] · g[n, c] (squeeze-and-excitation), gates given as [N, C] or
  /// [N, C, 1, 1].
  func testScaleChannels() {
    for (shape, gateShape, seed) in [
      ([2, 3, 2, 2], [2, 3], 18 as UInt64), ([1, 4, 3, 5], [1, 4, 1, 1], 50),
    ] {
      checkOp(
        "scaleChannels \(shape) gates \(gateShape)",
        inputs: [random(shape, seed: seed), random(gateShape, seed: seed + 1)],
        reference: OpReference { t in
          let inner = shape[2...].reduce(1, *)
          let gates = t[1].scalars
          let y = t[0].scalars.enumerated().map { $0.element * gates[$0.offset / inner] }
          return Tensor(shape: shape, scalars: y)
        },
        gradients: FiniteDifferences(tolerance: 1e-3)
      ) { scaleChannels($0[0], gates: $0[1]) }
    }
  }
}
