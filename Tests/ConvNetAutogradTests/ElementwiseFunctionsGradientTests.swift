import ConvNetAutograd
import ConvNetTensor
import Foundation
import TestSupport
import XCTest

/// `elu`, `clamped` and `raised(_:toPower:)` (`Ops/ElementwiseFunctions.swift`).
final class ElementwiseFunctionsGradientTests: XCTestCase {
  /// Values at least 0.1 away from `kinks`, so that central differences never straddle one.
  func away(from kinks: [Float], _ shape: [Int], seed: UInt64, scale: Float = 3) -> Tensor {
    random(shape, seed: seed, scale: scale).map { v in
      for kink in kinks where abs(v - kink) < 0.1 { return kink + (v < kink ? -0.1 : 0.1) }
      return v
    }
  }

  func testFunctions() {
    let rows: [(String, [Float], Float, (Float) -> Float, (Variable) -> Variable)] = [
      ("elu α=1", [0], 3, { $0 > 0 ? $0 : Foundation.exp($0) - 1 }, { elu($0) }),
      ("elu α=0.5", [0], 3, { $0 > 0 ? $0 : 0.5 * (Foundation.exp($0) - 1) }, { elu($0, alpha: 0.5) }),
      ("clamp [−1, 2]", [-1, 2], 3, { min(max($0, -1), 2) }, { clamped($0, min: -1, max: 2) }),
      ("clamp [·, 0.5]", [0.5], 3, { min($0, 0.5) }, { clamped($0, min: nil, max: 0.5) }),
    ]
    for (name, kinks, scale, formula, op) in rows {
      for (shape, seed) in [([4, 5], 41 as UInt64), ([2, 3, 4], 42)] {
        checkOp(
          "\(name) \(shape)", inputs: [away(from: kinks, shape, seed: seed, scale: scale)],
          reference: .elementwise(formula), gradients: FiniteDifferences(samples: 40, tolerance: 1e-3)
        ) { op($0[0]) }
      }
    }
    // xᵖ on positive inputs (LRN's and instance norm's denominators).
    for (exponent, seed) in [(-0.75 as Float, 43 as UInt64), (-0.5, 44), (2, 45)] {
      let positive = random([3, 4], seed: seed).map { abs($0) + 0.5 }
      checkOp(
        "pow \(exponent)", inputs: [positive], reference: .elementwise { Foundation.pow($0, exponent) },
        gradients: FiniteDifferences(samples: 12, tolerance: 1e-3)
      ) { raised($0[0], toPower: exponent) }
    }
  }

  /// By hand: elu(−ln 2) = e^(−ln 2) − 1 = −1/2, derivative 1/2; clamp passes the gradient on
  /// its bounds (torch.clamp's choice) and stops it outside.
  func testHandValues() {
    let x = Variable(Tensor(shape: [2], scalars: [-Float(M_LN2), 3]), requiresGrad: true)
    elu(x).sum().backward()
    assertClose(x.grad!.scalars, [0.5, 1])
    let y = Variable(Tensor(shape: [4], scalars: [-2, -1, 2, 3]), requiresGrad: true)
    let c = clamped(y, min: -1, max: 2)
    XCTAssertEqual(c.value.scalars, [-1, -1, 2, 2])
    c.sum().backward()
    XCTAssertEqual(y.grad?.scalars, [0, 1, 1, 0])
  }
}
