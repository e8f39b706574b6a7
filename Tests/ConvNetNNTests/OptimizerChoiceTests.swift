import ConvNetAutograd
import ConvNetNN
import ConvNetTensor
import Foundation
import TestSupport
import XCTest

/// Optimisers chosen by name: each kind builds its own update rule with the settings given
/// (expected values worked out by hand from PyTorch's documented rules; see OptimizerTests),
/// and numbers that cannot train are refused naming the setting.
final class OptimizerChoiceTests: XCTestCase {
  /// p = [1, 2] with gradient [2, −4] on every step; the values after each step.
  private func steps(_ choice: OptimizerChoice, count: Int) -> [[Float]] {
    let parameter = Variable(Tensor(shape: [2], scalars: [1, 2]), requiresGrad: true)
    let optimizer = choice.makeOptimizer(parameters: [parameter])
    return (0..<count).map { _ in
      parameter.grad = Tensor(shape: [2], scalars: [2, -4])
      optimizer.step()
      return parameter.value.scalars
    }
  }

  func testNamesAndDefaults() {
    XCTAssertEqual(OptimizerChoice.Kind(named: "AdamW"), .adamw)
    XCTAssertNil(OptimizerChoice.Kind(named: "sgdd"))
    XCTAssertEqual(OptimizerChoice.Kind.namesList, "sgd, adam, adamw or rmsprop")
    XCTAssertEqual(OptimizerChoice.Kind.allCases.map(\.displayName), ["SGD", "Adam", "AdamW", "RMSprop"])
    XCTAssertEqual(OptimizerChoice(kind: .sgd).resolvedLearningRate, 0.05)
    XCTAssertEqual(OptimizerChoice(kind: .rmsprop).resolvedLearningRate, 0.001)
    XCTAssertEqual(OptimizerChoice(kind: .adam, learningRate: 0.3).resolvedLearningRate, 0.3)
  }

  /// SGD, lr 0.05 (default), momentum 0.9: b = g, p = [1, 2] − 0.05·[2, −4] = [0.9, 2.2]; then
  /// b = 0.9·[2, −4] + [2, −4] = [3.8, −7.6], p = [0.9 − 0.19, 2.2 + 0.38] = [0.71, 2.58].
  /// Without momentum the second step is another 0.05·g: [0.8, 2.4].
  func testSGDWithAndWithoutMomentum() {
    let withMomentum = steps(OptimizerChoice(kind: .sgd), count: 2)
    assertClose(withMomentum[0], [0.9, 2.2], absoluteTolerance: 1e-6, relativeTolerance: 0)
    assertClose(withMomentum[1], [0.71, 2.58], absoluteTolerance: 1e-6, relativeTolerance: 0)
    assertClose(
      steps(OptimizerChoice(kind: .sgd, momentum: 0), count: 2)[1], [0.8, 2.4], absoluteTolerance: 1e-6,
      relativeTolerance: 0)
  }

  /// Adam's first step moves each weight by lr against the gradient's sign (m̂/√v̂ = ±1):
  /// [0.999, 2.001] — also with L2 weight decay 0.1 (g + 0.1·p keeps its sign). AdamW first
  /// shrinks p by (1 − lr·λ) = 0.9999: [0.9999 − 0.001, 1.9998 + 0.001] = [0.9989, 2.0008].
  func testAdamAndAdamWDifferInWeightDecay() {
    assertClose(
      steps(OptimizerChoice(kind: .adam), count: 1)[0], [0.999, 2.001], absoluteTolerance: 1e-6,
      relativeTolerance: 0)
    assertClose(
      steps(OptimizerChoice(kind: .adam, weightDecay: 0.1), count: 1)[0], [0.999, 2.001],
      absoluteTolerance: 1e-6, relativeTolerance: 0)
    assertClose(
      steps(OptimizerChoice(kind: .adamw, weightDecay: 0.1), count: 1)[0], [0.9989, 2.0008],
      absoluteTolerance: 1e-6, relativeTolerance: 0)
  }

  /// RMSprop (α 0.99): v = 0.01·g², the step g/√v = ±10, times lr 0.001: [0.99, 2.01]. With
  /// momentum 0.9 the buffer is that step at first, so step 1 is the same; step 2 adds
  /// 0.9·b + g/√v', v' = 0.99·0.01·g² + 0.01·g² = 0.0199·g², g/√v' = ±7.0888…:
  /// 0.99 − 0.001·(9 + 7.08881) = 0.97391.
  func testRMSpropTakesMomentum() {
    let moving = steps(OptimizerChoice(kind: .rmsprop), count: 2)
    assertClose(moving[0], [0.99, 2.01], absoluteTolerance: 1e-5, relativeTolerance: 0)
    assertClose(moving[1], [0.973911, 2.026089], absoluteTolerance: 1e-5, relativeTolerance: 0)
  }

  func testRefusesNumbersThatCannotTrain() {
    let cases: [(OptimizerChoice, String, String)] = [
      (
        OptimizerChoice(learningRate: -1), "learningRate",
        "learning rate must be a finite number ≥ 0, got -1.0"
      ),
      (
        OptimizerChoice(learningRate: .nan), "learningRate",
        "learning rate must be a finite number ≥ 0, got nan"
      ),
      (
        OptimizerChoice(momentum: 1), "momentum",
        "momentum must be in [0, 1), got 1.0: at 1 or more every step adds to a velocity that never decays"
      ),
      (OptimizerChoice(momentum: -0.5), "momentum", "momentum must be in [0, 1), got -0.5"),
      (
        OptimizerChoice(weightDecay: .infinity), "weightDecay",
        "weight decay must be a finite number ≥ 0, got inf"
      ),
    ]
    for (choice, setting, message) in cases {
      XCTAssertThrowsError(try choice.validate()) { error in
        XCTAssertEqual((error as? SettingError)?.setting, setting)
        XCTAssertEqual("\(error)", message)
      }
    }
    XCTAssertNoThrow(
      try OptimizerChoice(kind: .adamw, learningRate: 0, momentum: 0, weightDecay: 0.01).validate())
  }

  func testCodableRoundTrip() throws {
    let choice = OptimizerChoice(kind: .adamw, learningRate: 0.01, momentum: 0.5, weightDecay: 0.05)
    let decoded = try JSONDecoder().decode(OptimizerChoice.self, from: JSONEncoder().encode(choice))
    XCTAssertEqual(decoded, choice)
    let fromText = try JSONDecoder().decode(
      OptimizerChoice.self, from: Data(#"{"kind":"rmsprop","momentum":0,"weightDecay":0}"#.utf8))
    XCTAssertEqual(fromText, OptimizerChoice(kind: .rmsprop, learningRate: nil, momentum: 0))
  }
}
