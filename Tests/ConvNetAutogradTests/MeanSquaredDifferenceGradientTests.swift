import ConvNetAutograd
import ConvNetKernels
import ConvNetTensor
import TestSupport
import XCTest

/// `meanSquaredDifference` (ConvNetNN's `meanSquaredError`): forward against the reference
/// twin, backward against finite differences.
final class MeanSquaredDifferenceGradientTests: XCTestCase {
  static let cases: [(shape: [Int], seed: UInt64)] = [([3, 4], 32), ([1], 35), ([2, 3, 5], 36)]

  func testMeanSquaredDifference() {
    for (shape, seed) in Self.cases {
      let target = random(shape, seed: seed - 1)
      checkOp(
        "\(shape)", inputs: [random(shape, seed: seed)],
        reference: OpReference { inputs in
          Tensor(
            meanSquaredDifferenceForwardReference(
              prediction: inputs[0].storage.pointer, target: target.storage.pointer, count: target.count))
        },
        // The loss is a mean, so its gradients are O(1/count): the default tolerance (2e-2
        // absolute for |gradient| < 1) would pass a wrong gradient; 1e-3 is what float32 allows.
        gradients: FiniteDifferences(tolerance: 1e-3)
      ) { meanSquaredDifference($0[0], target: target) }
    }
  }
}
