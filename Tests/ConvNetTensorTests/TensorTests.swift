import ConvNetTensor
import TestSupport
import XCTest

final class TensorTests: XCTestCase {
  func testCopyOnWriteKeepsValueSemantics() {
    let a = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
    var b = a
    b[0, 1] = 20
    XCTAssertEqual(a.scalars, [1, 2, 3, 4])
    XCTAssertEqual(b.scalars, [1, 20, 3, 4])
  }

  func testReshapeInfersOneDimension() {
    let a = Tensor(shape: [2, 3, 4], repeating: 1)
    XCTAssertEqual(a.reshaped([-1, 4]).shape, [6, 4])
    XCTAssertEqual(a.flattened().shape, [2, 12])
  }

  func testBroadcastingAddsRowAndColumn() {
    let column = Tensor(shape: [2, 1], scalars: [10, 20])
    let row = Tensor(shape: [3], scalars: [1, 2, 3])
    XCTAssertEqual((column + row).scalars, [11, 12, 13, 21, 22, 23])
    XCTAssertEqual((column + row).shape, [2, 3])
  }

  func testSummedToShapeIsAdjointOfBroadcast() {
    let grid = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
    XCTAssertEqual(grid.summed(toShape: [3]).scalars, [5, 7, 9])
    XCTAssertEqual(grid.summed(toShape: [2, 1]).scalars, [6, 15])
  }

  func testReductions() {
    let t = Tensor(shape: [2, 3], scalars: [1, 5, 3, 4, 2, 6])
    XCTAssertEqual(t.sum(), 21)
    XCTAssertEqual(t.mean(), 3.5)
    XCTAssertEqual(t.max(), 6)
    XCTAssertEqual(t.argmax(alongAxis: 1), [1, 2])
    XCTAssertEqual(t.argmax(alongAxis: 0), [1, 0, 1])
    XCTAssertEqual(t.sum(alongAxis: 0).scalars, [5, 7, 9])
    XCTAssertEqual(t.max(alongAxis: 1).scalars, [5, 6])
  }

  func testMatmulByHand() {
    let a = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
    let b = Tensor(shape: [3, 2], scalars: [7, 8, 9, 10, 11, 12])
    // [1·7+2·9+3·11, 1·8+2·10+3·12; 4·7+5·9+6·11, 4·8+5·10+6·12]
    XCTAssertEqual(a.matmul(b).scalars, [58, 64, 139, 154])
    XCTAssertEqual(a.matmul(a, transposeOther: true).scalars, [14, 32, 32, 77])
    XCTAssertEqual(a.matmul(a, transposeSelf: true).shape, [3, 3])
  }

  func testSeededGeneratorRepeats() {
    var g1 = SeededGenerator(seed: 42)
    var g2 = SeededGenerator(seed: 42)
    let a = Tensor.randomNormal([100], using: &g1)
    let b = Tensor.randomNormal([100], using: &g2)
    XCTAssertEqual(a, b)
    XCTAssertEqual(a.mean(), 0, accuracy: 0.3)
  }
}
