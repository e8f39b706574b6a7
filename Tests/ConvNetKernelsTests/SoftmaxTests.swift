import ConvNetKernels
import ConvNetTensor
import Foundation
import TestSupport
import XCTest

/// The softmax and log-softmax kernels against their reference twins (forward and backward,
/// outputs starting as NaN), and by hand.
final class SoftmaxTests: XCTestCase {
  /// Rows along the last axis (inner 1), along a middle axis (inner 3, 5), a single value per
  /// row, logits of ±60 (e^60 overflows Float without the max subtraction), and 40,000 values —
  /// enough to be spread over threads.
  static let cases: [(name: String, layout: SoftmaxLayout, scale: Float, seed: UInt64)] = [
    ("last axis", SoftmaxLayout(outer: 3, size: 6, inner: 1), 2, 1),
    ("middle axis", SoftmaxLayout(outer: 2, size: 4, inner: 3), 1, 2),
    ("inner 5", SoftmaxLayout(outer: 1, size: 7, inner: 5), 3, 3),
    ("one value per row", SoftmaxLayout(outer: 4, size: 1, inner: 2), 1, 4),
    ("large logits", SoftmaxLayout(outer: 2, size: 9, inner: 1), 60, 5),
    ("threaded", SoftmaxLayout(outer: 400, size: 100, inner: 1), 4, 6),
    ("threaded, middle axis", SoftmaxLayout(outer: 20, size: 50, inner: 40), 4, 7),
  ]

  func testFastKernelsMatchReferenceTwins() {
    for (name, layout, scale, seed) in Self.cases {
      let input = random([layout.count], seed: seed, scale: scale).scalars
      let gradOutput = random([layout.count], seed: seed + 100).scalars
      // The backward passes read the forward's output: the reference twins' own.
      var probabilities = [Float](repeating: .nan, count: layout.count)
      var logProbabilities = probabilities
      softmaxForwardReference(input: input, output: &probabilities, layout: layout)
      logSoftmaxForwardReference(input: input, output: &logProbabilities, layout: layout)
      let output = KernelBuffer.output("output", count: layout.count)
      let gradInput = KernelBuffer.output("gradInput", count: layout.count)
      checkOp(
        "\(name) \(layout)",
        kernels: [
          KernelPass(
            "softmax forward", buffers: [output],
            fast: { softmaxForward(input: input, output: $0[0], layout: layout) },
            reference: { softmaxForwardReference(input: input, output: $0[0], layout: layout) }),
          KernelPass(
            "log-softmax forward", buffers: [output],
            fast: { logSoftmaxForward(input: input, output: $0[0], layout: layout) },
            reference: { logSoftmaxForwardReference(input: input, output: $0[0], layout: layout) }),
          KernelPass(
            "softmax backward", buffers: [gradInput],
            fast: {
              softmaxBackward(
                output: probabilities, gradOutput: gradOutput, gradInput: $0[0], layout: layout)
            },
            reference: {
              softmaxBackwardReference(
                output: probabilities, gradOutput: gradOutput, gradInput: $0[0], layout: layout)
            }),
          KernelPass(
            "log-softmax backward", buffers: [gradInput],
            fast: {
              logSoftmaxBackward(
                output: logProbabilities, gradOutput: gradOutput, gradInput: $0[0], layout: layout)
            },
            reference: {
              logSoftmaxBackwardReference(
                output: logProbabilities, gradOutput: gradOutput, gradInput: $0[0], layout: layout)
            }),
        ])
    }
  }

  /// Logits [0, ln 2, ln 3] → e^x = [1, 2, 3], softmax [1/6, 2/6, 3/6], log-softmax their logs.
  /// Backward of softmax with dy = [1, 0, 0]: dx = y ⊙ (dy − y₀) = [1/6·5/6, −2/6·1/6, −3/6·1/6];
  /// of log-softmax with dy = [1, 0, 0]: dx = dy − y·1 = [5/6, −2/6, −3/6]. Both kernels.
  func testByHand() {
    let layout = SoftmaxLayout(outer: 1, size: 3, inner: 1)
    let logits: [Float] = [0, Float(log(2.0)), Float(log(3.0))]
    let probabilities: [Float] = [1.0 / 6, 2.0 / 6, 3.0 / 6]
    for useReference in [false, true] {
      let label = "reference \(useReference)"
      var output = [Float](repeating: .nan, count: 3)
      var logOutput = output
      var gradInput = output
      var logGradInput = output
      if useReference {
        softmaxForwardReference(input: logits, output: &output, layout: layout)
        logSoftmaxForwardReference(input: logits, output: &logOutput, layout: layout)
        softmaxBackwardReference(
          output: probabilities, gradOutput: [1, 0, 0], gradInput: &gradInput, layout: layout)
        logSoftmaxBackwardReference(
          output: probabilities.map { log($0) }, gradOutput: [1, 0, 0], gradInput: &logGradInput,
          layout: layout)
      } else {
        softmaxForward(input: logits, output: &output, layout: layout)
        logSoftmaxForward(input: logits, output: &logOutput, layout: layout)
        softmaxBackward(output: probabilities, gradOutput: [1, 0, 0], gradInput: &gradInput, layout: layout)
        logSoftmaxBackward(
          output: probabilities.map { log($0) }, gradOutput: [1, 0, 0], gradInput: &logGradInput,
          layout: layout)
      }
      assertClose(output, probabilities, absoluteTolerance: 1e-6, label)
      assertClose(logOutput, probabilities.map { log($0) }, absoluteTolerance: 1e-6, label)
      assertClose(gradInput, [5.0 / 36, -2.0 / 36, -3.0 / 36], absoluteTolerance: 1e-6, label)
      assertClose(logGradInput, [5.0 / 6, -2.0 / 6, -3.0 / 6], absoluteTolerance: 1e-6, label)
    }
  }

  func testLayoutSplitsTheShapeAroundTheAxis() {
    XCTAssertEqual(SoftmaxLayout(shape: [2, 4, 3], axis: 1), SoftmaxLayout(outer: 2, size: 4, inner: 3))
    XCTAssertEqual(SoftmaxLayout(shape: [2, 4, 3], axis: -1), SoftmaxLayout(outer: 8, size: 3, inner: 1))
    XCTAssertEqual(SoftmaxLayout(shape: [5], axis: 0), SoftmaxLayout(outer: 1, size: 5, inner: 1))
  }
}
