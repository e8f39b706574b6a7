import ConvNetAutograd
import ConvNetKernels
import ConvNetTensor
import TestSupport
import XCTest

/// `softmaxCrossEntropy` (ConvNetNN's `crossEntropy`): forward against the reference twin,
/// backward against finite differences, with and without label smoothing.
final class SoftmaxCrossEntropyGradientTests: XCTestCase {
  static let cases: [(shape: [Int], labels: [Int], smoothing: Float, seed: UInt64)] = [
    ([4, 5], [0, 4, 2, 2], 0, 30), ([4, 5], [1, 3, 0, 2], 0.1, 30), ([1, 3], [2], 0.3, 31),
    ([6, 2], [0, 1, 1, 0, 1, 1], 0, 32),
  ]

  func testSoftmaxCrossEntropy() {
    for (shape, labels, smoothing, seed) in Self.cases {
      checkOp(
        "\(shape) labels \(labels) smoothing \(smoothing)",
        inputs: [random(shape, seed: seed, scale: 2)],
        reference: OpReference { inputs in
          var logProbabilities = [Float](repeating: .nan, count: inputs[0].count)
          return Tensor(
            softmaxCrossEntropyForwardReference(
              logits: inputs[0].storage.pointer, labels: labels, logProbabilities: &logProbabilities,
              batch: shape[0], classes: shape[1], labelSmoothing: smoothing))
        },
        // The loss is a mean, so its gradients are O(1/count): the default tolerance (2e-2
        // absolute for |gradient| < 1) would pass a wrong gradient; 1e-3 is what float32 allows.
        gradients: FiniteDifferences(tolerance: 1e-3)
      ) { softmaxCrossEntropy($0[0], labels: labels, labelSmoothing: smoothing) }
    }
  }
}
