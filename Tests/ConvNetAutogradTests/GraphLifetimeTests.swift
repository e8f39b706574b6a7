import ConvNetAutograd
import ConvNetTensor
import XCTest

/// The graph keeps a tensor alive only while a backward closure needs it, as PyTorch does;
/// gradients accumulate across backward calls; `withoutGradients` records nothing.
final class GraphLifetimeTests: XCTestCase {
  func testIntermediatesLiveOnlyAsLongAsBackwardNeedsThem() {
    let w = Variable(Tensor(shape: [3], scalars: [-1, 2, 3]), requiresGrad: true)
    weak var scaledStorage: TensorStorage?
    weak var rectifiedStorage: TensorStorage?
    var loss: Variable
    do {
      let scaled = w * 2  // its backward needs nothing saved
      let rectified = relu(scaled)  // its backward needs its own output
      scaledStorage = scaled.value.storage
      rectifiedStorage = rectified.value.storage
      loss = rectified.sum()
    }
    XCTAssertNil(scaledStorage, "no backward closure needs 2·w: freed during the forward pass")
    XCTAssertNotNil(rectifiedStorage, "relu's backward needs its output until backward runs")
    loss.backward()
    XCTAssertNil(rectifiedStorage, "after backward, relu's saved output is released")
    // d/dw Σ relu(2w) = 2·[w > 0].
    XCTAssertEqual(w.grad?.scalars, [0, 2, 2])
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
