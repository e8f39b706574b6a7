import ConvNetKernels
import ConvNetTensor
import TestSupport
import XCTest

final class AdaptiveAvgPool2DTests: XCTestCase {
  /// 5 → 3 bins: [floor(0·5/3), ceil(1·5/3)) = [0, 2), [floor(5/3), ceil(10/3)) = [1, 4),
  /// [floor(10/3), ceil(15/3)) = [3, 5). On the 5×5 arange x[r][c] = 5r + c the mean of a bin is
  /// 5·mean(rows) + mean(columns), with bin means 0.5, 2, 3.5:
  ///   row 0: 2.5 + (0.5, 2, 3.5) = 3, 4.5, 6;   row 1: 10 + … = 10.5, 12, 13.5;
  ///   row 2: 17.5 + … = 18, 19.5, 21.
  func testFiveToThreeBinsOnArange() {
    var output = [Float](repeating: .nan, count: 9)
    adaptiveAvgPool2DForward(
      input: (0..<25).map(Float.init), output: &output, batch: 1, channels: 1, inputHeight: 5,
      inputWidth: 5, outputHeight: 3, outputWidth: 3)
    assertClose(output, [3, 4.5, 6, 10.5, 12, 13.5, 18, 19.5, 21])
  }

  /// Backward with all-ones gradients: a pixel receives Σ 1/|bin| over the bins holding it,
  /// which factors per axis. For 5 → 3 the axis weights are
  ///   [1/2, 1/2 + 1/3, 1/3, 1/3 + 1/2, 1/2] = [1/2, 5/6, 1/3, 5/6, 1/2],
  /// so gradInput[r][c] = weight[r] · weight[c], e.g. the centre 1/9 and (1, 1) 25/36.
  func testFiveToThreeBackwardOverlapsAdd() {
    var gradInput = [Float](repeating: .nan, count: 25)
    adaptiveAvgPool2DBackward(
      gradOutput: [Float](repeating: 1, count: 9), gradInput: &gradInput, batch: 1, channels: 1,
      inputHeight: 5, inputWidth: 5, outputHeight: 3, outputWidth: 3)
    let axis: [Float] = [1.0 / 2, 5.0 / 6, 1.0 / 3, 5.0 / 6, 1.0 / 2]
    let expected = (0..<25).map { axis[$0 / 5] * axis[$0 % 5] }
    assertClose(gradInput, expected)
    XCTAssertEqual(gradInput[12], 1.0 / 9, accuracy: 1e-6)
    XCTAssertEqual(gradInput[6], 25.0 / 36, accuracy: 1e-6)
  }

  /// Output 1×1 is global average pooling: each plane's mean (planes 0…5 and 6…11 of arange).
  func testGlobalAveragePerPlane() {
    var output = [Float](repeating: .nan, count: 2)
    adaptiveAvgPool2DForward(
      input: (0..<12).map(Float.init), output: &output, batch: 2, channels: 1, inputHeight: 2,
      inputWidth: 3, outputHeight: 1, outputWidth: 1)
    XCTAssertEqual(output, [2.5, 8.5])
  }

  /// When the output divides the input, adaptive pooling is ordinary k×k/stride-k pooling;
  /// and upsampling (3 → 5) gives overlapping single-pixel bins. Backward is the adjoint.
  func testMatchesPlainPoolingAndIsAdjoint() {
    var generator = SeededGenerator(seed: 17)
    let input = randomValues(2 * 3 * 8 * 6, &generator)
    var adaptive = [Float](repeating: .nan, count: 2 * 3 * 4 * 3)
    adaptiveAvgPool2DForward(
      input: input, output: &adaptive, batch: 2, channels: 3, inputHeight: 8, inputWidth: 6,
      outputHeight: 4, outputWidth: 3)
    var plain = [Float](repeating: .nan, count: adaptive.count)
    avgPool2DForward(
      input: input, output: &plain,
      geometry: Pool2DGeometry(batch: 2, channels: 3, inputHeight: 8, inputWidth: 6, kernelSize: 2),
      countIncludePad: true)
    assertClose(adaptive, plain)

    for (inputSize, outputSize) in [((8, 6), (4, 3)), ((7, 5), (3, 2)), ((3, 3), (5, 4))] {
      let (H, W) = inputSize
      let (OH, OW) = outputSize
      let x = randomValues(2 * H * W, &generator)
      let dy = randomValues(2 * OH * OW, &generator)
      var y = [Float](repeating: .nan, count: dy.count)
      var dx = [Float](repeating: .nan, count: x.count)
      adaptiveAvgPool2DForward(
        input: x, output: &y, batch: 1, channels: 2, inputHeight: H, inputWidth: W,
        outputHeight: OH, outputWidth: OW)
      adaptiveAvgPool2DBackward(
        gradOutput: dy, gradInput: &dx, batch: 1, channels: 2, inputHeight: H, inputWidth: W,
        outputHeight: OH, outputWidth: OW)
      XCTAssertEqual(innerProduct(x, dx), innerProduct(y, dy), accuracy: 1e-4, "\(inputSize)")
    }
  }
}
