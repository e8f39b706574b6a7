import ConvNetKernels
import ConvNetTensor
import TestSupport
import XCTest

/// The mean-squared-difference kernels against their reference twins, and by hand.
final class MeanSquaredDifferenceTests: XCTestCase {
  static let cases: [(count: Int, scale: Float, seed: UInt64)] = [(1, 1, 1), (12, 1, 2), (1_000, 30, 3)]

  func testFastKernelsMatchReferenceTwins() {
    for (count, scale, seed) in Self.cases {
      let prediction = random([count], seed: seed, scale: scale).scalars
      let target = random([count], seed: seed + 100, scale: scale).scalars
      checkOp(
        "count \(count) scale \(scale)",
        kernels: [
          KernelPass(
            "forward", buffers: [.output("loss", count: 1)],
            fast: {
              $0[0][0] = meanSquaredDifferenceForward(prediction: prediction, target: target, count: count)
            },
            reference: {
              $0[0][0] = meanSquaredDifferenceForwardReference(
                prediction: prediction, target: target, count: count)
            }),
          KernelPass(
            "backward", buffers: [.output("gradPrediction", count: count)],
            fast: {
              meanSquaredDifferenceBackward(
                prediction: prediction, target: target, gradOutput: 1.3, gradPrediction: $0[0], count: count)
            },
            reference: {
              meanSquaredDifferenceBackwardReference(
                prediction: prediction, target: target, gradOutput: 1.3, gradPrediction: $0[0], count: count)
            }),
        ],
        kernelTolerance: OpTolerance(absolute: 1e-6, relative: 1e-5))
    }
  }

  /// Prediction [1, 3], target [0, 1]: loss (1 + 4)/2 = 2.5; gradient 2·(x − y)/2 = [1, 2].
  func testByHand() {
    for useReference in [false, true] {
      let forward = useReference ? meanSquaredDifferenceForwardReference : meanSquaredDifferenceForward
      let backward = useReference ? meanSquaredDifferenceBackwardReference : meanSquaredDifferenceBackward
      var gradient: [Float] = [.nan, .nan]
      XCTAssertEqual(forward([1, 3], [0, 1], 2), 2.5)
      backward([1, 3], [0, 1], 1, &gradient, 2)
      XCTAssertEqual(gradient, [1, 2], "reference \(useReference)")
    }
  }
}
