import ConvNetAutograd
import ConvNetTensor
import TestSupport
import XCTest

final class ElementwiseGradientTests: XCTestCase {
  func testArithmeticWithBroadcasting() {
    let a = random([2, 3, 4], seed: 1)
    let b = random([3, 1], seed: 2)
    let positive = random([4], seed: 3).map { abs($0) + 0.5 }
    checkGradients([a, b]) { $0[0] + $0[1] }
    checkGradients([a, b]) { $0[0] - $0[1] }
    checkGradients([a, b]) { $0[0] * $0[1] }
    checkGradients([a, positive]) { $0[0] / $0[1] }
    checkGradients([a]) { -($0[0] * 3 + 1) }
  }

  func testReductionsReshapeAndMatmul() {
    checkGradients([random([2, 3, 4], seed: 4)]) { $0[0].sum() }
    checkGradients([random([2, 3, 4], seed: 5)]) { $0[0].mean() }
    checkGradients([random([2, 3, 4], seed: 6)]) { $0[0].reshaped([4, 6]).flattened(startAxis: 0) }
    checkGradients([random([3, 5], seed: 7), random([5, 2], seed: 8)]) { matmul($0[0], $0[1]) }
  }

  func testActivations() {
    let x = randomAwayFromZero([2, 3, 5], seed: 9)
    checkGradients([x]) { relu($0[0]) }
    checkGradients([x]) { leakyRelu($0[0], negativeSlope: 0.1) }
    checkGradients([x]) { sigmoid($0[0]) }
    checkGradients([x]) { tanh($0[0]) }
    // RReLU: the same seed draws the same slopes in every evaluation.
    checkGradients([x]) { inputs in
      var generator = SeededGenerator(seed: 3)
      return rrelu(inputs[0], training: true, generator: &generator)
    }
    checkGradients([x]) { inputs in
      var generator = SeededGenerator(seed: 3)
      return rrelu(inputs[0], training: false, generator: &generator)
    }
  }

  func testSoftmaxFamily() {
    let x = random([3, 6], seed: 10, scale: 2)
    checkGradients([x]) { softmax($0[0]) }
    checkGradients([x]) { logSoftmax($0[0]) }
    checkGradients([random([2, 4, 3], seed: 11)]) { softmax($0[0], axis: 1) }
  }

  func testLinearDropoutConcatenateAndGates() {
    checkGradients([random([4, 5], seed: 12), random([3, 5], seed: 13), random([3], seed: 14)]) {
      linear($0[0], weight: $0[1], bias: $0[2])
    }
    checkGradients([random([4, 6], seed: 15)]) { inputs in
      var generator = SeededGenerator(seed: 5)
      return dropout(inputs[0], probability: 0.3, training: true, generator: &generator)
    }
    checkGradients([random([2, 2, 3, 3], seed: 16), random([2, 3, 3, 3], seed: 17)]) {
      concatenate($0, axis: 1)
    }
    checkGradients([random([2, 3, 2, 2], seed: 18), random([2, 3], seed: 19)]) {
      scaleChannels($0[0], gates: $0[1])
    }
  }

  func testGradientsAccumulateAcrossBackwardCalls() {
    let w = Variable(Tensor(shape: [2], scalars: [1, 2]), requiresGrad: true)
    (w * w).sum().backward()
    (w * w).sum().backward()
    XCTAssertEqual(w.grad?.scalars, [4, 8])  // 2·(2w)
  }

  func testNoGradientsAreRecordedInInferenceMode() {
    let w = Variable(Tensor(shape: [2], scalars: [1, 2]), requiresGrad: true)
    let y = withoutGradients { (w * w).sum() }
    XCTAssertFalse(y.requiresGrad)
    XCTAssertTrue(y.isLeaf)
  }
}
