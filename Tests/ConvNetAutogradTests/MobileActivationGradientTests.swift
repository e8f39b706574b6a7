import ConvNetAutograd
import ConvNetNN
import ConvNetTensor
import TestSupport
import XCTest

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

  func testGradients() {
    let x = awayFromKinks([4, 6, 5], seed: 21)
    checkGradients([x], samples: 120) { relu6($0[0]) }
    checkGradients([x], samples: 120) { hardsigmoid($0[0]) }
    checkGradients([x], samples: 120) { hardswish($0[0]) }
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

  func testSelectChannels() {
    let x = random([2, 5, 3, 2], seed: 22)
    checkGradients([x]) { selectChannels($0[0], indices: [4, 0, 2]) }
    // An index listed twice receives both gradients.
    checkGradients([x]) { selectChannels($0[0], indices: [1, 1, 3]) }
    let picked = selectChannels(Variable(x), indices: [3]).value
    XCTAssertEqual(picked.shape, [2, 1, 3, 2])
    XCTAssertEqual(picked[1, 0, 2, 1], x[1, 3, 2, 1])
  }
}
