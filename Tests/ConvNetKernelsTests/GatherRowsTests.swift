import ConvNetKernels
import TestSupport
import XCTest

/// `gatherRows` / `gatherRowsBackward` (Embedding's lookup and its weight gradient;
/// `indexSelect`) against their plain twins on NaN-filled outputs, with repeated indices (the
/// scatter-add's collisions), a skipped (padding) row, several blocks, and sizes large enough
/// for the parallel chunks. The backward must equal the twin bit for bit (same summation order).
final class GatherRowsTests: XCTestCase {
  func testAgainstReference() {
    let cases: [(layout: GatherRowsLayout, indexCount: Int, skipping: Int?, seed: UInt64)] = [
      (GatherRowsLayout(sourceRows: 7, rowLength: 3), 12, nil, 1),
      (GatherRowsLayout(sourceRows: 7, rowLength: 3), 12, 0, 2),
      (GatherRowsLayout(outer: 3, sourceRows: 4, rowLength: 5), 6, 2, 3),
      (GatherRowsLayout(sourceRows: 50, rowLength: 64), 3000, 1, 4),
      (GatherRowsLayout(outer: 2, sourceRows: 3, rowLength: 1), 0, nil, 5),
    ]
    for (layout, indexCount, skipping, seed) in cases {
      var generator = SeededGenerator(seed: seed)
      // Indices skewed towards the low rows so that many collide (and row 0 / padding occurs).
      let indices = (0..<indexCount).map { _ in
        Int(Float(layout.sourceRows) * generator.nextUnitFloat() * generator.nextUnitFloat())
      }
      let source = random([layout.sourceCount], seed: seed + 10).scalars
      let gradOutput = random([layout.outputCount(indices: indexCount)], seed: seed + 20).scalars
      checkOp(
        "gather rows \(layout), \(indexCount) indices, skipping \(String(describing: skipping))",
        kernels: [
          KernelPass(
            "forward", buffers: [.output("output", count: layout.outputCount(indices: indexCount))],
            fast: { gatherRows(source: source, indices: indices, output: $0[0], layout: layout) },
            reference: { gatherRowsReference(source: source, indices: indices, output: $0[0], layout: layout) }),
          KernelPass(
            "backward (scatter-add)", buffers: [.output("gradSource", count: layout.sourceCount)],
            fast: {
              gatherRowsBackward(
                gradOutput: gradOutput, indices: indices, skipping: skipping, gradSource: $0[0], layout: layout)
            },
            reference: {
              gatherRowsBackwardReference(
                gradOutput: gradOutput, indices: indices, skipping: skipping, gradSource: $0[0], layout: layout)
            }),
        ], kernelTolerance: OpTolerance(absolute: 0, relative: 0))
    }
  }

  /// By hand: rows [10, 11], [20, 21], [30, 31]; indices 2, 0, 2 gather rows 3, 1, 3; the
  /// backward of gradients [1, 2], [3, 4], [5, 6] sums rows 0 and 2 into row 2; row 1 gets 0.
  func testHandWorked() {
    let layout = GatherRowsLayout(sourceRows: 3, rowLength: 2)
    var output = [Float](repeating: .nan, count: 6)
    gatherRows(source: [10, 11, 20, 21, 30, 31], indices: [2, 0, 2], output: &output, layout: layout)
    XCTAssertEqual(output, [30, 31, 10, 11, 30, 31])
    var gradient = [Float](repeating: .nan, count: 6)
    gatherRowsBackward(gradOutput: [1, 2, 3, 4, 5, 6], indices: [2, 0, 2], gradSource: &gradient, layout: layout)
    XCTAssertEqual(gradient, [3, 4, 0, 0, 6, 8])
    gatherRowsBackward(
      gradOutput: [1, 2, 3, 4, 5, 6], indices: [2, 0, 2], skipping: 2, gradSource: &gradient, layout: layout)
    XCTAssertEqual(gradient, [3, 4, 0, 0, 0, 0])
  }
}
