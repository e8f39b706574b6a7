import ConvNetAutograd
import ConvNetTensor
import Foundation
import TestSupport
import XCTest

/// The pointwise activations (`Ops/Activations.swift`): forward against the scalar formula,
/// backward against finite differences. Their forwards are inline loops with no kernel.
final class ActivationGradientTests: XCTestCase {
  func testActivations() {
    // RReLU in training draws a slope from U(1/8, 1/3) for each negative element, in order,
    // from the generator it is given; the formula draws the same from a generator of the same
    // seed (fresh on every evaluation, as the op's).
    let rreluTraining = OpReference { t in
      var generator = SeededGenerator(seed: 3)
      return t[0].map { $0 >= 0 ? $0 : $0 * (1.0 / 8 + (1.0 / 3 - 1.0 / 8) * generator.nextUnitFloat()) }
    }
    let rreluSlope: Float = (1.0 / 8 + 1.0 / 3) / 2
    let rows: [(String, OpReference, ([Variable]) -> Variable)] = [
      ("relu", .elementwise { max($0, 0) }, { relu($0[0]) }),
      ("leaky relu", .elementwise { $0 >= 0 ? $0 : 0.1 * $0 }, { leakyRelu($0[0], negativeSlope: 0.1) }),
      ("sigmoid", .elementwise { Float(1 / (1 + Foundation.exp(-Double($0)))) }, { sigmoid($0[0]) }),
      ("tanh", .elementwise { Float(Foundation.tanh(Double($0))) }, { tanh($0[0]) }),
      (
        "rrelu training", rreluTraining,
        { v in
          var generator = SeededGenerator(seed: 3)
          return rrelu(v[0], training: true, generator: &generator)
        }
      ),
      (
        "rrelu evaluation", .elementwise { $0 >= 0 ? $0 : rreluSlope * $0 },
        { v in
          var generator = SeededGenerator(seed: 3)
          return rrelu(v[0], training: false, generator: &generator)
        }
      ),
    ]
    // Away from 0 (ReLU's kink); the large values reach sigmoid's and tanh's saturation.
    let inputs = [randomAwayFromZero([2, 3, 5], seed: 9), randomAwayFromZero([4, 1], seed: 10) * 12]
    for (name, reference, op) in rows {
      for x in inputs {
        checkOp(
          "\(name) \(x.shape)", inputs: [x], reference: reference,
          gradients: FiniteDifferences(tolerance: 1e-3), op)
      }
    }
  }
}
