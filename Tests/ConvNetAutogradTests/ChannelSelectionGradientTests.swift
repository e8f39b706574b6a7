import ConvNetAutograd
import ConvNetTensor
import TestSupport
import XCTest

/// `selectChannels` (`Ops/ChannelSelection.swift`): forward against a plain gather, backward
/// against finite differences — an index listed twice receives both gradients. An inline loop
/// with no kernel.
final class ChannelSelectionGradientTests: XCTestCase {
  func testSelectChannels() {
    let x = random([2, 5, 3, 2], seed: 22)
    for indices in [[4, 0, 2], [1, 1, 3], [3], [0, 1, 2, 3, 4]] {
      checkOp(
        "selectChannels \(indices)", inputs: [x],
        reference: OpReference { t in
          var y = Tensor.zeros([2, indices.count, 3, 2])
          for n in 0..<2 {
            for (slot, c) in indices.enumerated() {
              for i in 0..<3 {
                for j in 0..<2 { y[n, slot, i, j] = t[0][n, c, i, j] }
              }
            }
          }
          return y
        },
        gradients: FiniteDifferences(tolerance: 1e-3)
      ) { selectChannels($0[0], indices: indices) }
    }
    let picked = selectChannels(Variable(x), indices: [3]).value
    XCTAssertEqual(picked.shape, [2, 1, 3, 2])
    XCTAssertEqual(picked[1, 0, 2, 1], x[1, 3, 2, 1])
  }
}
