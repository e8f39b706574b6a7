import ConvNetKernels
import XCTest

final class Pool2DGeometryTests: XCTestCase {
  private func outputWidth(
    _ input: Int, kernel: Int, stride: Int, padding: Int = 0, ceilMode: Bool
  ) -> Int {
    Pool2DGeometry(
      batch: 1, channels: 1, inputHeight: 1, inputWidth: input, kernelHeight: 1,
      kernelWidth: kernel, strideHeight: 1, strideWidth: stride, paddingWidth: padding,
      ceilMode: ceilMode
    ).outputWidth
  }

  /// Worked by hand from out = floor_or_ceil((H + 2p − k) / s) + 1:
  /// H=5, k=2, s=2:       floor(3/2)+1 = 2,  ceil(3/2)+1 = 3 (last window is pixel 4 alone);
  /// H=6, k=3, s=2, p=1:  floor(5/2)+1 = 3,  ceil(5/2)+1 = 4 (last window starts at 5 < 6+1);
  /// H=4, k=3, s=2, p=1:  floor(3/2)+1 = 2,  ceil(3/2)+1 = 3 (starts at 3 < 4+1);
  /// H=5, k=2, s=2, p=1:  floor(5/2)+1 = 3,  ceil(5/2)+1 = 4, but window 3 would start at
  ///                      3·2 − 1 = 5, i.e. (4−1)·2 = 6 ≥ 5 + 1, inside the padding → 3.
  func testFloorAndCeilOutputSizes() {
    XCTAssertEqual(outputWidth(5, kernel: 2, stride: 2, ceilMode: false), 2)
    XCTAssertEqual(outputWidth(5, kernel: 2, stride: 2, ceilMode: true), 3)
    XCTAssertEqual(outputWidth(6, kernel: 3, stride: 2, padding: 1, ceilMode: false), 3)
    XCTAssertEqual(outputWidth(6, kernel: 3, stride: 2, padding: 1, ceilMode: true), 4)
    XCTAssertEqual(outputWidth(4, kernel: 3, stride: 2, padding: 1, ceilMode: false), 2)
    XCTAssertEqual(outputWidth(4, kernel: 3, stride: 2, padding: 1, ceilMode: true), 3)
    XCTAssertEqual(outputWidth(5, kernel: 2, stride: 2, padding: 1, ceilMode: false), 3)
    XCTAssertEqual(outputWidth(5, kernel: 2, stride: 2, padding: 1, ceilMode: true), 3)
    XCTAssertEqual(outputWidth(4, kernel: 2, stride: 2, ceilMode: true), 2)  // exact fit
    // A window larger than the input: H=1, k=2, s=2 → floor((−1)/2)+1 = 0 in floor mode, but
    // ceil((−1)/2)+1 = 1 in ceil mode (PyTorch keeps the 1×1 map, as GoogLeNet on 28×28 needs);
    // H=1, k=3, s=2: ceil(−2/2)+1 = 0.
    XCTAssertEqual(outputWidth(1, kernel: 2, stride: 2, ceilMode: false), 0)
    XCTAssertEqual(outputWidth(1, kernel: 2, stride: 2, ceilMode: true), 1)
    XCTAssertEqual(outputWidth(1, kernel: 3, stride: 2, ceilMode: true), 0)
  }

  func testStrideDefaultsToKernelAndCountsFollow() {
    let geometry = Pool2DGeometry(
      batch: 2, channels: 3, inputHeight: 28, inputWidth: 27, kernelSize: 2)
    XCTAssertEqual(geometry.strideHeight, 2)
    XCTAssertEqual(geometry.outputHeight, 14)
    XCTAssertEqual(geometry.outputWidth, 13)
    XCTAssertEqual(geometry.inputCount, 2 * 3 * 28 * 27)
    XCTAssertEqual(geometry.outputCount, 2 * 3 * 14 * 13)
    XCTAssertNil(geometry.validate())
  }

  func testValidateRequiresPaddingAtMostHalfTheKernel() {
    var geometry = Pool2DGeometry(
      batch: 1, channels: 1, inputHeight: 8, inputWidth: 8, kernelSize: 3, stride: 1, padding: 1)
    XCTAssertNil(geometry.validate())
    geometry.paddingWidth = 2
    XCTAssertEqual(
      geometry.validate(), "Pool2D: padding 1×2 must be at most half the kernel 3×3")
    geometry = Pool2DGeometry(batch: 1, channels: 1, inputHeight: 2, inputWidth: 8, kernelSize: 3)
    XCTAssertTrue(geometry.validate()?.contains("output size 0×2 is empty") == true)
    geometry.channels = 0
    XCTAssertEqual(geometry.validate(), "Pool2D: channels must be positive, got 0")
  }
}
