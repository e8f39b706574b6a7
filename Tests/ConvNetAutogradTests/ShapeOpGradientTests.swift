import ConvNetAutograd
import ConvNetTensor
import TestSupport
import XCTest

/// The data-movement ops (`Ops/Permute.swift`, `Narrow.swift`, `Stack.swift`, `Pad.swift`):
/// forward against index formulas (`indexFormula`), backward against finite differences. They
/// only move elements, so they have no kernel twin.
final class ShapeOpGradientTests: XCTestCase {
  let gradients = FiniteDifferences(tolerance: 1e-3)

  func testPermuteAndTranspose() {
    let cases: [(shape: [Int], axes: [Int], seed: UInt64)] = [
      ([2, 3, 4], [2, 0, 1], 1), ([3, 4], [1, 0], 2), ([2, 1, 3, 2], [3, 1, 0, 2], 3), ([5], [0], 4),
      ([2, 3, 4], [-1, 1, 0], 5),
    ]
    for (shape, axes, seed) in cases {
      let normalized = axes.map { $0 < 0 ? $0 + shape.count : $0 }
      let outputShape = normalized.map { shape[$0] }
      checkOp(
        "permuted \(shape) by \(axes)", inputs: [random(shape, seed: seed)],
        reference: indexFormula(shape: outputShape) { index, read in
          // Output axis i walks input axis axes[i].
          var source = [Int](repeating: 0, count: shape.count)
          for (i, axis) in normalized.enumerated() { source[axis] = index[i] }
          return read(0, source)
        }, gradients: gradients
      ) { permuted($0[0], axes: axes) }
    }
    checkOp(
      "transposed [2, 3, 4] axes 0, 2", inputs: [random([2, 3, 4], seed: 6)],
      reference: indexFormula(shape: [4, 3, 2]) { index, read in read(0, [index[2], index[1], index[0]]) },
      gradients: gradients
    ) { transposed($0[0], 0, 2) }
  }

  func testNarrow() {
    let cases: [(shape: [Int], axis: Int, start: Int, length: Int, step: Int, seed: UInt64)] = [
      ([4, 5], 1, 1, 3, 1, 10), ([6, 2, 3], 0, 1, 3, 2, 11), ([2, 7], -1, 0, 3, 3, 12),
      ([3, 4, 2], 1, 3, 1, 1, 13), ([2, 3], 0, 0, 0, 1, 14),
    ]
    for (shape, axis, start, length, step, seed) in cases {
      let a = axis < 0 ? axis + shape.count : axis
      var outputShape = shape
      outputShape[a] = length
      checkOp(
        "narrow \(shape) axis \(axis) from \(start) length \(length) step \(step)",
        inputs: [random(shape, seed: seed)],
        reference: indexFormula(shape: outputShape) { index, read in
          var source = index
          source[a] = start + index[a] * step
          return read(0, source)
        }, gradients: length == 0 ? nil : gradients
      ) { narrow($0[0], axis: axis, start: start, length: length, step: step) }
    }
  }

  /// Pieces [2, 3, 1] of axis 1, joined again in the order 2, 0, 1: every piece's backward runs
  /// and their gradients meet in one input.
  func testSplit() {
    let shape = [2, 6, 3]
    checkOp(
      "split [2, 6, 3] axis 1 sizes [2, 3, 1], rejoined 2, 0, 1", inputs: [random(shape, seed: 20)],
      reference: indexFormula(shape: shape) { index, read in
        // Output columns 0 | 1 2 | 3 4 5 hold input columns 5 | 0 1 | 2 3 4.
        let column = index[1] == 0 ? 5 : index[1] - 1
        return read(0, [index[0], column, index[2]])
      }, gradients: gradients
    ) { inputs in
      let pieces = split(inputs[0], axis: 1, sizes: [2, 3, 1])
      XCTAssertEqual(pieces.map(\.shape), [[2, 2, 3], [2, 3, 3], [2, 1, 3]])
      return concatenate([pieces[2], pieces[0], pieces[1]], axis: 1)
    }
  }

  func testStack() {
    let cases: [(shape: [Int], count: Int, axis: Int, seed: UInt64)] = [
      ([2, 3], 3, 0, 30), ([2, 3], 2, 1, 31), ([2, 3], 4, 2, 32), ([4], 2, -1, 33),
    ]
    for (shape, count, axis, seed) in cases {
      let a = axis < 0 ? axis + shape.count + 1 : axis
      var outputShape = shape
      outputShape.insert(count, at: a)
      checkOp(
        "stack \(count) × \(shape) axis \(axis)",
        inputs: (0..<count).map { random(shape, seed: seed + 100 * UInt64($0)) },
        reference: indexFormula(shape: outputShape) { index, read in
          var source = index
          let which = source.remove(at: a)
          return read(which, source)
        }, gradients: gradients
      ) { stack($0, axis: axis) }
    }
  }

  func testConstantPad() {
    let cases: [(shape: [Int], pads: [(Int, Int)], value: Float, seed: UInt64)] = [
      ([2, 3], [(1, 2), (0, 1)], 0, 40), ([1, 2, 3, 3], [(0, 0), (0, 0), (1, 1), (2, 0)], -1.5, 41),
      // Negative pads crop: rows 1… and columns …1 survive, with one column of 7 added.
      ([3, 4], [(-1, 0), (1, -2)], 7, 42), ([5], [(-2, -2)], 0, 43), ([2, 2], [(0, 0), (-1, 3)], 0.5, 44),
    ]
    for (shape, pads, value, seed) in cases {
      let outputShape = zip(shape, pads).map { $0 + $1.0 + $1.1 }
      checkOp(
        "padded \(shape) by \(pads) with \(value)", inputs: [random(shape, seed: seed)],
        reference: indexFormula(shape: outputShape) { index, read in
          let source = zip(index, pads).map { $0 - $1.0 }
          let inside = zip(source, shape).allSatisfy { $0 >= 0 && $0 < $1 }
          return inside ? read(0, source) : value
        }, gradients: gradients
      ) { padded($0[0], pads: pads.map { (before: $0.0, after: $0.1) }, value: value) }
    }
  }

  /// A case worked by hand: [[1, 2, 3], [4, 5, 6]] padded by one 0 before each row and cropped
  /// by its last column, then its gradient: only the surviving elements receive one.
  func testPadHandWorked() {
    let x = Variable(Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]), requiresGrad: true)
    let y = padded(x, pads: [(before: 0, after: 0), (before: 1, after: -1)])
    XCTAssertEqual(y.shape, [2, 3])
    XCTAssertEqual(y.value.scalars, [0, 1, 2, 0, 4, 5])
    y.backward(gradient: Tensor(shape: [2, 3], scalars: [10, 20, 30, 40, 50, 60]))
    XCTAssertEqual(x.grad?.scalars, [20, 30, 0, 50, 60, 0])
  }
}
