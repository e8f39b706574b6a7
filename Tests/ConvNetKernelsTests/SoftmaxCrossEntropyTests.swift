import ConvNetKernels
import ConvNetTensor
import Foundation
import TestSupport
import XCTest

/// The softmax cross-entropy kernels against their reference twins, and by hand.
final class SoftmaxCrossEntropyTests: XCTestCase {
  static let cases: [(batch: Int, classes: Int, smoothing: Float, scale: Float, seed: UInt64)] = [
    (4, 5, 0, 2, 1), (4, 5, 0.1, 2, 2), (1, 2, 0.3, 1, 3), (7, 10, 0, 40, 4), (3, 100, 0.2, 5, 5),
  ]

  func testFastKernelsMatchReferenceTwins() {
    for (batch, classes, smoothing, scale, seed) in Self.cases {
      let logits = random([batch * classes], seed: seed, scale: scale).scalars
      var generator = SeededGenerator(seed: seed + 100)
      let labels = (0..<batch).map { _ in Int.random(in: 0..<classes, using: &generator) }
      var logProbabilities = [Float](repeating: .nan, count: batch * classes)
      _ = softmaxCrossEntropyForwardReference(
        logits: logits, labels: labels, logProbabilities: &logProbabilities, batch: batch,
        classes: classes, labelSmoothing: smoothing)
      checkOp(
        "batch \(batch) classes \(classes) smoothing \(smoothing)",
        kernels: [
          KernelPass(
            "forward",
            buffers: [.output("log probabilities", count: batch * classes), .output("loss", count: 1)],
            fast: { out in
              out[1][0] = softmaxCrossEntropyForward(
                logits: logits, labels: labels, logProbabilities: out[0], batch: batch,
                classes: classes, labelSmoothing: smoothing)
            },
            reference: { out in
              out[1][0] = softmaxCrossEntropyForwardReference(
                logits: logits, labels: labels, logProbabilities: out[0], batch: batch,
                classes: classes, labelSmoothing: smoothing)
            }),
          KernelPass(
            "backward", buffers: [.output("gradLogits", count: batch * classes)],
            fast: { out in
              softmaxCrossEntropyBackward(
                logProbabilities: logProbabilities, labels: labels, gradOutput: 0.7,
                gradLogits: out[0], batch: batch, classes: classes, labelSmoothing: smoothing)
            },
            reference: { out in
              softmaxCrossEntropyBackwardReference(
                logProbabilities: logProbabilities, labels: labels, gradOutput: 0.7,
                gradLogits: out[0], batch: batch, classes: classes, labelSmoothing: smoothing)
            }),
        ])
    }
  }

  /// Two samples, logits [0, ln 2, ln 3] (softmax [1/6, 2/6, 3/6]), labels 2 and 0, ε = 0.3,
  /// C = 3: q = [0.1, 0.1, 0.8] and [0.8, 0.1, 0.1]; loss = mean of −Σ q·log p; gradient
  /// (p − q)/2. Both kernels.
  func testByHand() {
    let row: [Float] = [0, Float(log(2.0)), Float(log(3.0))]
    let p = [1.0 / 6, 2.0 / 6, 3.0 / 6]
    let q = [[0.1, 0.1, 0.8], [0.8, 0.1, 0.1]]
    let expectedLoss =
      (0..<2).map { n in -(0..<3).reduce(0.0) { $0 + q[n][$1] * log(p[$1]) } }
      .reduce(0, +) / 2
    let expectedGradient = (0..<2).flatMap { n in (0..<3).map { Float((p[$0] - q[n][$0]) / 2) } }
    for useReference in [false, true] {
      var logProbabilities = [Float](repeating: .nan, count: 6)
      var gradLogits = logProbabilities
      let forward = useReference ? softmaxCrossEntropyForwardReference : softmaxCrossEntropyForward
      let backward = useReference ? softmaxCrossEntropyBackwardReference : softmaxCrossEntropyBackward
      let loss = forward(row + row, [2, 0], &logProbabilities, 2, 3, 0.3)
      backward(logProbabilities, [2, 0], 1, &gradLogits, 2, 3, 0.3)
      XCTAssertEqual(loss, Float(expectedLoss), accuracy: 1e-6, "reference \(useReference)")
      assertClose(gradLogits, expectedGradient, absoluteTolerance: 1e-6, "reference \(useReference)")
    }
  }
}
