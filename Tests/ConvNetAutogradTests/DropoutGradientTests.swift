import ConvNetAutograd
import ConvNetTensor
import TestSupport
import XCTest

/// `dropout` (`Ops/Dropout.swift`): forward against the formula — each element, in order,
/// zeroed when a draw from the generator falls below p, otherwise scaled by 1/(1 − p); the
/// identity in evaluation and for p = 0 — and backward against finite differences. An inline
/// loop with no kernel.
final class DropoutGradientTests: XCTestCase {
  func testDropout() {
    let x = random([4, 6], seed: 15)
    for (probability, training) in [(Float(0.3), true), (0.5, true), (0.3, false), (0, true), (1, true)] {
      checkOp(
        "dropout p \(probability) training \(training)", inputs: [x],
        reference: OpReference { t in
          guard training else { return t[0] }
          var generator = SeededGenerator(seed: 5)
          return t[0].map { generator.nextUnitFloat() < probability ? 0 : $0 * (1 / (1 - probability)) }
        },
        gradients: FiniteDifferences(tolerance: 1e-3)
      ) { v in
        var generator = SeededGenerator(seed: 5)
        return dropout(v[0], probability: probability, training: training, generator: &generator)
      }
    }
  }
}
