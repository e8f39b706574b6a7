import ConvNetAutograd
import ConvNetNN
import ConvNetTensor
import Foundation
import XCTest

final class LossTests: XCTestCase {
  func testCrossEntropyByHand() {
    // logits [0, ln 2, ln 3] → softmax [1/6, 2/6, 3/6]; label 2 → −ln(1/2) = ln 2.
    let logits = Variable(
      Tensor(shape: [1, 3], scalars: [0, Float(log(2.0)), Float(log(3.0))]), requiresGrad: true)
    let loss = crossEntropy(logits: logits, labels: [2])
    XCTAssertEqual(loss.value.scalar, Float(log(2.0)), accuracy: 1e-6)
    loss.backward()
    let expected: [Float] = [1.0 / 6, 2.0 / 6, 3.0 / 6 - 1]
    for (a, e) in zip(logits.grad!.scalars, expected) { XCTAssertEqual(a, e, accuracy: 1e-6) }
  }

  func testCrossEntropyWithLabelSmoothingByHand() {
    // ε = 0.3, C = 3: q = [0.1, 0.1, 0.8]; loss = −Σ q·log p with p = [1/6, 2/6, 3/6].
    let logits = Variable(Tensor(shape: [1, 3], scalars: [0, Float(log(2.0)), Float(log(3.0))]))
    let loss = crossEntropy(logits: logits, labels: [2], labelSmoothing: 0.3)
    let expected = -(0.1 * log(1.0 / 6) + 0.1 * log(2.0 / 6) + 0.8 * log(3.0 / 6))
    XCTAssertEqual(loss.value.scalar, Float(expected), accuracy: 1e-6)
  }

  func testMeanSquaredErrorAndBinaryCrossEntropyByHand() {
    let prediction = Variable(Tensor(shape: [2], scalars: [1, 3]), requiresGrad: true)
    let mse = meanSquaredError(prediction, target: Tensor(shape: [2], scalars: [0, 1]))
    XCTAssertEqual(mse.value.scalar, 2.5)  // (1 + 4) / 2
    mse.backward()
    XCTAssertEqual(prediction.grad?.scalars, [1, 2])  // 2·(x − y)/2

    // x = 0: loss = ln 2 for any y; x = ln 3 (σ = 3/4), y = 1: −ln(3/4).
    let logits = Variable(Tensor(shape: [2], scalars: [0, Float(log(3.0))]), requiresGrad: true)
    let bce = binaryCrossEntropyWithLogits(logits, target: Tensor(shape: [2], scalars: [0, 1]))
    XCTAssertEqual(bce.value.scalar, Float((log(2.0) - log(0.75)) / 2), accuracy: 1e-6)
    bce.backward()
    XCTAssertEqual(logits.grad!.scalars[0], 0.25, accuracy: 1e-6)  // (1/2 − 0)/2
    XCTAssertEqual(logits.grad!.scalars[1], -0.125, accuracy: 1e-6)  // (3/4 − 1)/2
  }
}
