import ConvNetAutograd
import ConvNetNN
import ConvNetTensor
import TestSupport
import XCTest

/// `clipGradientNorm` against hand-worked norms (PyTorch's `clip_grad_norm_` rule).
final class GradientClippingTests: XCTestCase {
  private func parameter(gradient: [Float]) -> Variable {
    let variable = Variable(Tensor.zeros([gradient.count]), requiresGrad: true)
    variable.grad = Tensor(shape: [gradient.count], scalars: gradient)
    return variable
  }

  /// Gradients (3, 0) and (0, 4): one vector (3, 0, 0, 4) of norm 5. With maxNorm 1 each is
  /// scaled by 1 / (5 + 1e-6): (0.6, 0, 0, 0.8) to float precision.
  func testScalesAllGradientsByOneFactorWhenTheGlobalNormIsTooLarge() {
    let a = parameter(gradient: [3, 0])
    let b = parameter(gradient: [0, 4])
    let frozen = Variable(Tensor.zeros([1]), requiresGrad: true)  // no gradient: left out
    let norm = clipGradientNorm([a, frozen, b], maxNorm: 1)
    XCTAssertEqual(norm, 5, accuracy: 1e-6)
    assertClose(
      a.grad!, Tensor(shape: [2], scalars: [0.6, 0]), absoluteTolerance: 1e-6, relativeTolerance: 0)
    assertClose(
      b.grad!, Tensor(shape: [2], scalars: [0, 0.8]), absoluteTolerance: 1e-6, relativeTolerance: 0)
    XCTAssertNil(frozen.grad)
  }

  /// Norm √(1 + 4 + 4) = 3 ≤ 10: nothing changes, the norm is still reported.
  func testLeavesGradientsBelowTheBoundUnchanged() {
    let a = parameter(gradient: [1, -2, 2])
    XCTAssertEqual(clipGradientNorm([a], maxNorm: 10), 3, accuracy: 1e-6)
    XCTAssertEqual(a.grad!.scalars, [1, -2, 2])
  }
}
