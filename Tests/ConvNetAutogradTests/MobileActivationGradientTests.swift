import ConvNetAutograd
import ConvNetNN
import ConvNetTensor
import TestSupport
import XCTest

/// ReLU6, hard-sigmoid and hard-swish (`Ops/MobileActivations.swift`).
final class MobileActivationGradientTests: XCTestCase {
  /// Values in (−8, 8) at least 0.1 away from every kink (−3, 0, 3, 6), so that the central
  /// differences (step 0.01) never straddle one.
  func awayFromKinks(_ shape: [Int], seed: UInt64) -> Tensor {
    random(shape, seed: seed, scale: 8).map { v in
      for kink: Float in [-3, 0, 3, 6] where abs(v - kink) < 0.1 {
        return kink + (v < kink ? -0.1 : 0.1)
      }
      return v
    }
  }

  /// Forward against PyTorch's formulas, backward against finite differences (inline loops,
  /// no kernel).
  func testMobileActivations() {
    let rows: [(String, (Float) -> Float, (Variable) -> Variable)] = [
      ("relu6", { min(max($0, 0), 6) }, relu6),
      ("hardsigmoid", { min(max($0 + 3, 0), 6) / 6 }, hardsigmoid),
      ("hardswish", { $0 * min(max($0 + 3, 0), 6) / 6 }, hardswish),
    ]
    for (name, formula, op) in rows {
      for (shape, seed) in [([4, 6, 5], 21 as UInt64), ([2, 3, 2, 2], 23)] {
        checkOp(
          "\(name) \(shape)", inputs: [awayFromKinks(shape, seed: seed)], reference: .elementwise(formula),
          gradients: FiniteDifferences(samples: 120, tolerance: 1e-3)
        ) { op($0[0]) }
      }
    }
  }

  /// Hand values: hardswish(x) = x·relu6(x + 3)/6, so hardswish(1) = 1·4/6 = 2/3,
  /// hardswish(−1) = −1·2/6 = −1/3, 0 at or below −3 and x at or above 3; hardsigmoid(1) =
  /// 4/6; relu6 clips to [0, 6].
  func testHandValues() {
    let x = Variable(Tensor(shape: [7], scalars: [-4, -3, -1, 0, 1, 3, 7]))
    assertClose(hardswish(x).value.scalars, [0, 0, -1.0 / 3, 0, 2.0 / 3, 3, 7])
    assertClose(hardsigmoid(x).value.scalars, [0, 0, 2.0 / 6, 0.5, 4.0 / 6, 1, 1])
    assertClose(relu6(x).value.scalars, [0, 0, 0, 0, 1, 3, 6])
  }

  /// Derivatives by hand, including PyTorch's choices at the kinks (torch.autograd gives
  /// hardswish′(−3) = 0, hardswish′(3) = 1, hardsigmoid′(±3) = 0, relu6′(0) = relu6′(6) = 0).
  func testDerivativesByHand() {
    func derivative(_ f: (Variable) -> Variable, _ values: [Float]) -> [Float] {
      let x = Variable(Tensor(shape: [values.count], scalars: values), requiresGrad: true)
      f(x).sum().backward()
      return x.grad!.scalars
    }
    let values: [Float] = [-4, -3, -1, 0, 1, 3, 6, 7]
    assertClose(derivative(hardswish, values), [0, 0, 1.0 / 6, 0.5, 5.0 / 6, 1, 1, 1])
    assertClose(derivative(hardsigmoid, values), [0, 0, 1.0 / 6, 1.0 / 6, 1.0 / 6, 0, 0, 0])
    assertClose(derivative(relu6, values), [0, 0, 0, 0, 1, 1, 0, 0])
  }
}
