import ConvNetAutograd
import ConvNetTensor
import Foundation
import TestSupport
import XCTest

/// `exp` and `log` (`Ops/Exponential.swift`): forward against the scalar functions, backward
/// against finite differences; hand values at the edges (log 0 = −∞, log of a negative is NaN).
final class ExponentialGradientTests: XCTestCase {
  func testExpAndLog() {
    checkOp(
      "exp", inputs: [random([3, 4], seed: 1, scale: 2)], reference: .elementwise { Foundation.exp($0) },
      gradients: FiniteDifferences(tolerance: 1e-3)
    ) { exp($0[0]) }
    let positive = random([2, 5], seed: 2).map { abs($0) + 0.2 }
    checkOp(
      "log", inputs: [positive], reference: .elementwise { Foundation.log($0) },
      gradients: FiniteDifferences(step: 1e-3, tolerance: 1e-3)
    ) { log($0[0]) }
    checkOp(
      "log(exp(x)) = x", inputs: [random([6], seed: 3)], reference: .elementwise { $0 },
      gradients: FiniteDifferences(tolerance: 1e-3)
    ) { log(exp($0[0])) }
  }

  func testEdges() {
    let y = log(Variable(Tensor(shape: [3], scalars: [0, 1, -1]))).value.scalars
    XCTAssertEqual(y[0], -.infinity)
    XCTAssertEqual(y[1], 0)
    XCTAssertTrue(y[2].isNaN)
    XCTAssertEqual(exp(Variable(Tensor(shape: [2], scalars: [0, -.infinity]))).value.scalars, [1, 0])
  }
}
