import ConvNetAutograd
import ConvNetKernels
import ConvNetTensor
import TestSupport
import XCTest

/// `sigmoidCrossEntropy` (ConvNetNN's `binaryCrossEntropyWithLogits`): forward against the
/// reference twin, backward against finite differences, hard and soft targets.
final class SigmoidCrossEntropyGradientTests: XCTestCase {
  static let cases: [(shape: [Int], softTargets: Bool, seed: UInt64)] = [
    ([3, 4], false, 34), ([3, 4], true, 37), ([2, 2, 3], false, 38),
  ]

  func testSigmoidCrossEntropy() {
    for (shape, softTargets, seed) in Self.cases {
      let uniform = random(shape, seed: seed - 1)
      let target = softTargets ? uniform.map { ($0 + 1) / 2 } : uniform.map { $0 > 0 ? 1 : 0 }
      checkOp(
        "\(shape) soft \(softTargets)", inputs: [random(shape, seed: seed, scale: 3)],
        reference: OpReference { inputs in
          Tensor(
            sigmoidCrossEntropyForwardReference(
              logits: inputs[0].storage.pointer, target: target.storage.pointer, count: target.count))
        },
        // The loss is a mean, so its gradients are O(1/count): the default tolerance (2e-2
        // absolute for |gradient| < 1) would pass a wrong gradient; 1e-3 is what float32 allows.
        gradients: FiniteDifferences(tolerance: 1e-3)
      ) { sigmoidCrossEntropy($0[0], target: target) }
    }
  }
}
