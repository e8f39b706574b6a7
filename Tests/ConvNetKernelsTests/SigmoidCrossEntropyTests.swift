import ConvNetKernels
import ConvNetTensor
import Foundation
import TestSupport
import XCTest

/// The sigmoid cross-entropy (binary cross-entropy on logits) kernels against their reference
/// twins, and by hand.
final class SigmoidCrossEntropyTests: XCTestCase {
  /// Hard 0/1 targets and soft ones; logits up to ±50, where log σ(x) computed naively
  /// underflows to log 0.
  static let cases: [(count: Int, scale: Float, softTargets: Bool, seed: UInt64)] = [
    (1, 1, false, 1), (12, 3, false, 2), (12, 3, true, 3), (500, 50, false, 4),
  ]

  func testFastKernelsMatchReferenceTwins() {
    for (count, scale, softTargets, seed) in Self.cases {
      let logits = random([count], seed: seed, scale: scale).scalars
      let uniform = random([count], seed: seed + 100).scalars
      let target = softTargets ? uniform.map { ($0 + 1) / 2 } : uniform.map { $0 > 0 ? 1 : 0 }
      checkOp(
        "count \(count) scale \(scale) soft \(softTargets)",
        kernels: [
          KernelPass(
            "forward", buffers: [.output("loss", count: 1)],
            fast: { $0[0][0] = sigmoidCrossEntropyForward(logits: logits, target: target, count: count) },
            reference: {
              $0[0][0] = sigmoidCrossEntropyForwardReference(logits: logits, target: target, count: count)
            }),
          KernelPass(
            "backward", buffers: [.output("gradLogits", count: count)],
            fast: {
              sigmoidCrossEntropyBackward(
                logits: logits, target: target, gradOutput: 0.9, gradLogits: $0[0], count: count)
            },
            reference: {
              sigmoidCrossEntropyBackwardReference(
                logits: logits, target: target, gradOutput: 0.9, gradLogits: $0[0], count: count)
            }),
        ],
        kernelTolerance: OpTolerance(absolute: 1e-6, relative: 1e-5))
    }
  }

  /// x = 0: loss ln 2 for any y, gradient (1/2 − y)/count; x = ln 3 (σ = 3/4), y = 1: loss
  /// −ln(3/4), gradient (3/4 − 1)/count. With count 2 and y = [0, 1]: loss (ln 2 − ln 0.75)/2,
  /// gradient [0.25, −0.125]. Both kernels.
  func testByHand() {
    let logits: [Float] = [0, Float(log(3.0))]
    for useReference in [false, true] {
      let forward = useReference ? sigmoidCrossEntropyForwardReference : sigmoidCrossEntropyForward
      let backward = useReference ? sigmoidCrossEntropyBackwardReference : sigmoidCrossEntropyBackward
      var gradient: [Float] = [.nan, .nan]
      XCTAssertEqual(forward(logits, [0, 1], 2), Float((log(2.0) - log(0.75)) / 2), accuracy: 1e-6)
      backward(logits, [0, 1], 1, &gradient, 2)
      assertClose(gradient, [0.25, -0.125], absoluteTolerance: 1e-6, "reference \(useReference)")
    }
  }
}
