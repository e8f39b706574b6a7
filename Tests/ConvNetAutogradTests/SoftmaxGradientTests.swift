import ConvNetAutograd
import ConvNetKernels
import ConvNetTensor
import TestSupport
import XCTest

/// `softmax` and `logSoftmax`: forward against the reference twins, backward against finite
/// differences, along the last and a middle axis.
final class SoftmaxGradientTests: XCTestCase {
  static let cases: [(shape: [Int], axis: Int, scale: Float, seed: UInt64)] = [
    ([3, 6], -1, 2, 10), ([2, 4, 3], 1, 1, 11), ([2, 3, 2, 2], 0, 1, 12), ([5], 0, 3, 13),
  ]

  func testSoftmax() {
    for (shape, axis, scale, seed) in Self.cases {
      checkOp(
        "softmax \(shape) axis \(axis)", inputs: [random(shape, seed: seed, scale: scale)],
        reference: Self.twin(softmaxForwardReference, axis: axis),
        gradients: FiniteDifferences(tolerance: 1e-3)
      ) { softmax($0[0], axis: axis) }
    }
  }

  func testLogSoftmax() {
    for (shape, axis, scale, seed) in Self.cases {
      checkOp(
        "log-softmax \(shape) axis \(axis)", inputs: [random(shape, seed: seed, scale: scale)],
        reference: Self.twin(logSoftmaxForwardReference, axis: axis),
        gradients: FiniteDifferences(tolerance: 1e-3)
      ) { logSoftmax($0[0], axis: axis) }
    }
  }

  /// A forward reference twin as a tensor function along `axis`.
  static func twin(
    _ kernel: @escaping (UnsafePointer<Float>, UnsafeMutablePointer<Float>, SoftmaxLayout) -> Void,
    axis: Int
  ) -> OpReference {
    OpReference { inputs in
      var output = Tensor(shape: inputs[0].shape, repeating: .nan)
      output.withUnsafeMutableBufferPointer { output in
        kernel(
          inputs[0].storage.pointer, output.baseAddress!, SoftmaxLayout(shape: inputs[0].shape, axis: axis))
      }
      return output
    }
  }
}
