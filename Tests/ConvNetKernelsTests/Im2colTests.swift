import ConvNetKernels
import ConvNetTensor
import XCTest

final class Im2colTests: XCTestCase {
  /// x = arange(9) as 3×3, 2×2 kernel: row (ki, kj) lists the pixel under that tap for the four
  /// output positions (0,0), (0,1), (1,0), (1,1).
  func testImageToColumnsByHand() {
    let geometry = Conv2DGeometry(
      batch: 1, inputChannels: 1, inputHeight: 3, inputWidth: 3, outputChannels: 1,
      kernelSize: 2)
    var columns = [Float](repeating: .nan, count: 16)
    im2col(input: (0..<9).map(Float.init), columns: &columns, channels: 1, geometry: geometry)
    XCTAssertEqual(columns, [0, 1, 3, 4, 1, 2, 4, 5, 3, 4, 6, 7, 4, 5, 7, 8])
  }

  /// Padding reads as 0: x = [[1, 2], [3, 4]] with a 1×2 kernel, left padding 1, stride 1 gives
  /// 2×2 outputs; tap 0 reads [pad, 1, pad, 3] and tap 1 reads [1, 2, 3, 4].
  func testPaddingReadsZero() {
    let geometry = Conv2DGeometry(
      batch: 1, inputChannels: 1, inputHeight: 2, inputWidth: 2, outputChannels: 1,
      kernelHeight: 1, kernelWidth: 2, paddingLeft: 1)
    var columns = [Float](repeating: .nan, count: 8)
    im2col(input: [1, 2, 3, 4], columns: &columns, channels: 1, geometry: geometry)
    XCTAssertEqual(columns, [0, 1, 0, 3, 1, 2, 3, 4])
  }

  /// col2im is the adjoint of im2col: ⟨im2col(x), c⟩ = ⟨x, col2im(c)⟩ for random x and c, over
  /// strides, dilations and asymmetric paddings.
  func testColumnsToImageIsTheAdjoint() {
    var generator = SeededGenerator(seed: 11)
    for geometry in Conv2DTests.configurations {
      let channels = geometry.inputChannels / geometry.groups
      let imageCount = channels * geometry.inputHeight * geometry.inputWidth
      let columnCount =
        channels * geometry.kernelHeight * geometry.kernelWidth * geometry.outputHeight
        * geometry.outputWidth
      let image = randomValues(imageCount, &generator)
      let columns = randomValues(columnCount, &generator)
      var unfolded = [Float](repeating: .nan, count: columnCount)
      var folded = [Float](repeating: .nan, count: imageCount)
      im2col(input: image, columns: &unfolded, channels: channels, geometry: geometry)
      col2im(columns: columns, image: &folded, channels: channels, geometry: geometry)
      let left = innerProduct(unfolded, columns)
      XCTAssertEqual(
        innerProduct(image, folded), left, accuracy: 1e-4 * max(1, abs(left)), "\(geometry)")
    }
  }
}
