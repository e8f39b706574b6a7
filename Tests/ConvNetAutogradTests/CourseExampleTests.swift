import ConvNetAutograd
import ConvNetKernels
import ConvNetNN
import ConvNetTensor
import XCTest

/// The worked examples of the course "CNN from beginner to expert", computed by hand.
final class CourseExampleTests: XCTestCase {
  /// A 1D bump detector: the filter [0, 1, 0] on [0,0,0,1,1,0,0,0] (no padding, stride 1)
  /// copies the centre of each window: outputs at positions 1…6 are x[1]…x[6].
  func testOneDimensionalBumpDetector() {
    let x = Variable(Tensor(shape: [1, 1, 8], scalars: [0, 0, 0, 1, 1, 0, 0, 0]))
    let filter = Variable(Tensor(shape: [1, 1, 3], scalars: [0, 1, 0]))
    let y = conv1d(x, weight: filter, bias: nil)
    XCTAssertEqual(y.value.scalars, [0, 0, 1, 1, 0, 0])
  }

  /// A vertical-line detector: an 8×8 image with a 2-pixel-wide vertical line (columns 3 and 4)
  /// and the 3×3 filter with a column of ones in the middle. Each output sums the 3 pixels of
  /// the window's centre column: 3 where that column lies on the line (output columns 2 and 3,
  /// whose windows are centred on image columns 3 and 4), 0 elsewhere — every row is
  /// [0, 0, 3, 3, 0, 0].
  func testVerticalLineDetector() {
    var image = Tensor.zeros([1, 1, 8, 8])
    for row in 0..<8 {
      image[0, 0, row, 3] = 1
      image[0, 0, row, 4] = 1
    }
    let filter = Tensor(shape: [1, 1, 3, 3], scalars: [0, 1, 0, 0, 1, 0, 0, 1, 0])
    let y = conv2d(Variable(image), weight: Variable(filter)).value
    XCTAssertEqual(y.shape, [1, 1, 6, 6])
    for row in 0..<6 {
      XCTAssertEqual((0..<6).map { y[0, 0, row, $0] }, [0, 0, 3, 3, 0, 0], "row \(row)")
    }
  }

  /// Output size (W − F + 2P)/S + 1 for a 7×7 input and a 3×3 filter: 5 at stride 1, 3 at
  /// stride 2, and 7 with padding 1.
  func testOutputSizes() {
    let x = Variable(Tensor.ones([1, 1, 7, 7]))
    XCTAssertEqual(Conv2d(1, 1, kernelSize: 3)(x).shape, [1, 1, 5, 5])
    XCTAssertEqual(Conv2d(1, 1, kernelSize: 3, stride: 2)(x).shape, [1, 1, 3, 3])
    XCTAssertEqual(Conv2d(1, 1, kernelSize: 3, padding: 1)(x).shape, [1, 1, 7, 7])
    XCTAssertEqual(Conv2d(1, 1, kernelSize: 3, padding: .same)(x).shape, [1, 1, 7, 7])
    XCTAssertEqual(Conv2d(1, 1, kernelSize: 3, padding: .valid)(x).shape, [1, 1, 5, 5])
  }

  /// Max pooling's backward "upsamples the residual": each output gradient goes to the position
  /// of its window's maximum, zeros elsewhere.
  func testMaxPoolBackwardRoutesToTheMaximum() {
    let x = Variable(
      Tensor(shape: [1, 1, 2, 4], scalars: [1, 5, 2, 0, 3, 4, 8, 7]), requiresGrad: true)
    let y = MaxPool2d(2)(x)
    XCTAssertEqual(y.value.scalars, [5, 8])
    y.backward(gradient: Tensor(shape: [1, 1, 1, 2], scalars: [10, 20]))
    XCTAssertEqual(x.grad?.scalars, [0, 10, 0, 0, 0, 0, 20, 0])
  }
}
