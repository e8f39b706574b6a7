import ConvNetAutograd
import ConvNetNN
import ConvNetTensor
import TestSupport
import XCTest

final class LossGradientTests: XCTestCase {
  func testCrossEntropyGradient() {
    let logits = random([4, 5], seed: 30, scale: 2)
    checkGradients([logits]) { crossEntropy(logits: $0[0], labels: [0, 4, 2, 2]) }
    checkGradients([logits]) { crossEntropy(logits: $0[0], labels: [1, 3, 0, 2], labelSmoothing: 0.1) }
  }

  func testRegressionLossGradients() {
    let target = random([3, 4], seed: 31)
    checkGradients([random([3, 4], seed: 32)]) { meanSquaredError($0[0], target: target) }
    let labels = random([3, 4], seed: 33).map { $0 > 0 ? 1 : 0 }
    checkGradients([random([3, 4], seed: 34, scale: 3)]) {
      binaryCrossEntropyWithLogits($0[0], target: labels)
    }
  }
}
