import ConvNetKernels
import TestSupport
import XCTest

/// `depthwise3x3Forward` (MobileNet's 3×3 depthwise with bias and activation in one pass,
/// depthwise3x3.c) against the reference twin followed by the epilogue written out: widths
/// below, at and past a vector (1 … 37: the ring's padded rows, the stride-2 phase split of
/// odd and even widths, the vector loops' tails), strides 1 and 2, each activation, with and
/// without bias, at every SIMD level.
final class Depthwise3x3Tests: XCTestCase {
  /// (batch, channels, height, width, stride)
  static let cases: [(Int, Int, Int, Int, Int)] = [
    (1, 1, 1, 1, 1), (1, 1, 1, 1, 2), (2, 3, 2, 2, 2), (1, 2, 3, 5, 1), (2, 3, 7, 7, 1),
    (1, 4, 7, 7, 2), (1, 3, 8, 8, 2), (3, 5, 14, 14, 1), (1, 3, 15, 17, 2), (2, 2, 16, 16, 1),
    (1, 2, 33, 37, 2), (1, 2, 20, 31, 1), (2, 7, 12, 18, 2),
  ]

  func testMatchesReferenceWithEpilogue() {
    forEachSIMDLevel { level in
      var generator = SeededGenerator(seed: 21)
      for (n, c, h, w, stride) in Self.cases {
        let g = Conv2DGeometry(
          batch: n, inputChannels: c, inputHeight: h, inputWidth: w, outputChannels: c,
          kernelSize: 3, stride: stride, padding: 1, groups: c)
        XCTAssertTrue(g.isDepthwise3x3, "\(g)")
        // Values so that sums reach past ReLU6's upper clamp and below zero.
        let input = (0..<g.inputCount).map { _ in Float.random(in: -2...2, using: &generator) }
        let weight = (0..<g.weightCount).map { _ in Float.random(in: -1...1, using: &generator) }
        let bias = (0..<c).map { _ in Float.random(in: -2...2, using: &generator) }
        for withBias in [false, true] {
          var convolution = [Float](repeating: .nan, count: g.outputCount)
          conv2DForwardReference(
            input: input, weight: weight, bias: withBias ? bias : nil, output: &convolution,
            geometry: g)
          for activation in FusedActivation.allCases {
            let expected = convolution.map { PreparedConv2DTests.activate($0, activation) }
            var output = [Float](repeating: .nan, count: g.outputCount)
            bias.withUnsafeBufferPointer { b in
              depthwise3x3Forward(
                input: input, weight: weight, bias: withBias ? b.baseAddress! : nil,
                activation: activation, output: &output, geometry: g)
            }
            assertClose(
              output, expected, absoluteTolerance: 1e-5, relativeTolerance: 1e-5,
              "\(g) bias \(withBias) \(activation) simd \(level)")
          }
        }
      }
    }
  }

  /// Only MobileNet's geometry is taken: not 5×5, stride 3, padding 0 or 2, dilation 2, groups
  /// short of depthwise.
  func testGeometryPredicate() {
    func geometry(kernel: Int = 3, stride: Int = 1, padding: Int = 1, dilation: Int = 1, groups: Int = 4)
      -> Conv2DGeometry
    {
      Conv2DGeometry(
        batch: 1, inputChannels: 4, inputHeight: 9, inputWidth: 9, outputChannels: 4,
        kernelSize: kernel, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }
    XCTAssertTrue(geometry().isDepthwise3x3)
    XCTAssertTrue(geometry(stride: 2).isDepthwise3x3)
    XCTAssertFalse(geometry(kernel: 5, padding: 2).isDepthwise3x3)
    XCTAssertFalse(geometry(stride: 3).isDepthwise3x3)
    XCTAssertFalse(geometry(padding: 0).isDepthwise3x3)
    XCTAssertFalse(geometry(padding: 2, dilation: 2).isDepthwise3x3)
    XCTAssertFalse(geometry(groups: 2).isDepthwise3x3)
  }
}
