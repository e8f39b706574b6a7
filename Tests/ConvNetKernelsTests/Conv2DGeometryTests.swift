import ConvNetKernels
import XCTest

final class Conv2DGeometryTests: XCTestCase {
  /// The course example: a 7×7 input and a 3×3 filter give 5×5 at stride 1, 3×3 at stride 2
  /// ((7 − 3) / 2 + 1) and 7×7 with padding 1 ((7 + 2 − 3) / 1 + 1).
  func testSevenBySevenWithThreeByThreeFilter() {
    func geometry(stride: Int, padding: Int) -> Conv2DGeometry {
      Conv2DGeometry(
        batch: 1, inputChannels: 1, inputHeight: 7, inputWidth: 7, outputChannels: 1,
        kernelSize: 3, stride: stride, padding: padding)
    }
    XCTAssertEqual(geometry(stride: 1, padding: 0).outputHeight, 5)
    XCTAssertEqual(geometry(stride: 1, padding: 0).outputWidth, 5)
    XCTAssertEqual(geometry(stride: 2, padding: 0).outputHeight, 3)
    XCTAssertEqual(geometry(stride: 1, padding: 1).outputWidth, 7)
  }

  /// Asymmetric padding, dilation and non-square kernels, each axis by its own formula:
  /// height (10 + 2 + 1 − 2·(3 − 1) − 1) / 2 + 1 = 8 / 2 + 1 = 5,
  /// width  (9 + 0 + 3 − 1·(4 − 1) − 1) / 3 + 1 = 8 / 3 + 1 = 3.
  func testAsymmetricDilatedOutputSize() {
    let geometry = Conv2DGeometry(
      batch: 2, inputChannels: 4, inputHeight: 10, inputWidth: 9, outputChannels: 6,
      kernelHeight: 3, kernelWidth: 4, strideHeight: 2, strideWidth: 3, paddingTop: 2,
      paddingBottom: 1, paddingLeft: 0, paddingRight: 3, dilationHeight: 2, dilationWidth: 1,
      groups: 2)
    XCTAssertNil(geometry.validate())
    XCTAssertEqual(geometry.outputHeight, 5)
    XCTAssertEqual(geometry.outputWidth, 3)
    XCTAssertEqual(geometry.weightCount, 6 * 2 * 3 * 4)
    XCTAssertEqual(geometry.inputCount, 2 * 4 * 10 * 9)
    XCTAssertEqual(geometry.outputCount, 2 * 6 * 5 * 3)
    XCTAssertFalse(geometry.isDepthwise)
  }

  /// PyTorch's padding="same": total dilation·(k − 1), extra on the bottom/right.
  func testSamePaddingKeepsTheSizeAndPutsTheExtraAfter() {
    XCTAssertTrue(Conv2DGeometry.samePadding(kernel: 3) == (1, 1))
    XCTAssertTrue(Conv2DGeometry.samePadding(kernel: 4) == (1, 2))
    XCTAssertTrue(Conv2DGeometry.samePadding(kernel: 3, dilation: 2) == (2, 2))
    XCTAssertTrue(Conv2DGeometry.samePadding(kernel: 1) == (0, 0))
    for (kernel, dilation) in [(2, 1), (3, 1), (4, 1), (5, 2), (4, 3)] {
      let padding = Conv2DGeometry.samePadding(kernel: kernel, dilation: dilation)
      let geometry = Conv2DGeometry(
        batch: 1, inputChannels: 1, inputHeight: 11, inputWidth: 6, outputChannels: 1,
        kernelHeight: kernel, kernelWidth: kernel, paddingTop: padding.before,
        paddingBottom: padding.after, paddingLeft: padding.before, paddingRight: padding.after,
        dilationHeight: dilation, dilationWidth: dilation)
      XCTAssertEqual(geometry.outputHeight, 11, "kernel \(kernel) dilation \(dilation)")
      XCTAssertEqual(geometry.outputWidth, 6, "kernel \(kernel) dilation \(dilation)")
    }
  }

  func testValidateNamesTheProblem() {
    var geometry = Conv2DGeometry(
      batch: 1, inputChannels: 6, inputHeight: 5, inputWidth: 5, outputChannels: 4,
      kernelSize: 3, groups: 3)
    XCTAssertEqual(geometry.validate(), "Conv2D: outputChannels 4 is not divisible by groups 3")
    geometry.outputChannels = 6
    XCTAssertNil(geometry.validate())
    geometry.inputChannels = 4
    XCTAssertEqual(geometry.validate(), "Conv2D: inputChannels 4 is not divisible by groups 3")
    geometry = Conv2DGeometry(
      batch: 1, inputChannels: 1, inputHeight: 4, inputWidth: 4, outputChannels: 1,
      kernelSize: 3, dilation: 2)  // dilated kernel spans 5 > 4
    XCTAssertEqual(geometry.outputHeight, 0)
    XCTAssertTrue(geometry.validate()?.contains("output size 0×0 is empty") == true)
    geometry.paddingTop = 1
    geometry.paddingBottom = -1
    XCTAssertEqual(geometry.validate(), "Conv2D: paddingBottom must not be negative, got -1")
    geometry.strideWidth = 0
    XCTAssertEqual(geometry.validate(), "Conv2D: strideWidth must be positive, got 0")
  }

  func testDepthwiseIsGroupsEqualToBothChannelCounts() {
    let depthwise = Conv2DGeometry(
      batch: 1, inputChannels: 8, inputHeight: 5, inputWidth: 5, outputChannels: 8,
      kernelSize: 3, groups: 8)
    XCTAssertTrue(depthwise.isDepthwise)
    var multiplier = depthwise
    multiplier.outputChannels = 16  // channel multiplier 2: grouped, not depthwise
    XCTAssertFalse(multiplier.isDepthwise)
  }
}
