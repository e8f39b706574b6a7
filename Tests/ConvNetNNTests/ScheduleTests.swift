import ConvNetAutograd
import ConvNetNN
import ConvNetTensor
import TestSupport
import XCTest

/// Closed-form learning rates at several epochs; expected values worked out by hand.
final class ScheduleTests: XCTestCase {
  private func rates(_ schedule: LearningRateSchedule, _ epochs: [Int]) -> [Float] {
    epochs.map { schedule.learningRate(at: $0) }
  }

  func testConstantLR() {
    XCTAssertEqual(rates(ConstantLR(initial: 0.3), [0, 1, 100]), [0.3, 0.3, 0.3])
    // factor 0.5 for epochs 0 and 1: 0.3·0.5 = 0.15; from epoch 2 on: 0.3
    assertClose(
      rates(ConstantLR(initial: 0.3, factor: 0.5, length: 2), [0, 1, 2, 3]),
      [0.15, 0.15, 0.3, 0.3])
  }

  func testStepLR() {
    let schedule = StepLR(initial: 0.1, stepSize: 3, gamma: 0.1)
    // ⌊e/3⌋ = 0,0,0,1,1,2,3 → 0.1·0.1^k
    assertClose(
      rates(schedule, [0, 1, 2, 3, 5, 6, 9]), [0.1, 0.1, 0.1, 0.01, 0.01, 0.001, 0.0001],
      absoluteTolerance: 1e-9)
  }

  func testMultiStepLR() {
    // Milestones 2 and 5, γ = 0.5: 1 before epoch 2, 0.5 for epochs 2…4, 0.25 from epoch 5.
    let expected: [Float] = [1, 1, 0.5, 0.5, 0.5, 0.25, 0.25]
    let epochs = [0, 1, 2, 3, 4, 5, 9]
    XCTAssertEqual(
      rates(MultiStepLR(initial: 1, milestones: [2, 5], gamma: 0.5), epochs), expected)
    XCTAssertEqual(
      rates(MultiStepLR(initial: 1, milestones: [5, 2], gamma: 0.5), epochs), expected,
      "milestone order does not matter")
    // A repeated milestone decays twice (PyTorch keeps milestones in a Counter): 1·0.5² = 0.25.
    XCTAssertEqual(
      rates(MultiStepLR(initial: 1, milestones: [2, 2], gamma: 0.5), [1, 2]), [1, 0.25])
  }

  func testCosineAnnealingLR() {
    // T = 4, η_min = 0: η = (1 + cos(π·e/4))/2
    //   e=0: (1+1)/2 = 1;  e=1: (1 + 0.7071068)/2 = 0.8535534;  e=2: (1+0)/2 = 0.5
    //   e=3: (1 − 0.7071068)/2 = 0.1464466;  e=4: (1−1)/2 = 0
    assertClose(
      rates(CosineAnnealingLR(initial: 1, length: 4), [0, 1, 2, 3, 4]),
      [1, 0.8535534, 0.5, 0.1464466, 0])
    // η_min = 0.1, η0 = 1: e=2 → 0.1 + 0.9·0.5 = 0.55; e=4 → 0.1
    assertClose(
      rates(CosineAnnealingLR(initial: 1, length: 4, minimum: 0.1), [0, 2, 4]),
      [1, 0.55, 0.1])
  }

  func testScheduleDrivesTheOptimizer() {
    let p = Variable(Tensor(shape: [1], scalars: [1]), requiresGrad: true)
    let sgd = SGD(parameters: [p], learningRate: 0.1)
    let schedule = StepLR(initial: 0.1, stepSize: 3, gamma: 0.1)
    // Epoch 3 → 0.01:  p = 1 − 0.01·1 = 0.99
    sgd.learningRate = schedule.learningRate(at: 3)
    p.grad = Tensor(shape: [1], scalars: [1])
    sgd.step()
    assertClose(p.value.scalars, [0.99])
  }
}
