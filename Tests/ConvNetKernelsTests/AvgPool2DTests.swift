import ConvNetKernels
import ConvNetTensor
import TestSupport
import XCTest

final class AvgPool2DTests: XCTestCase {
  private func forward(_ input: [Float], _ geometry: Pool2DGeometry, includePad: Bool) -> [Float] {
    var output = [Float](repeating: .nan, count: geometry.outputCount)
    avgPool2DForward(
      input: input, output: &output, geometry: geometry, countIncludePad: includePad)
    return output
  }

  private func backward(_ gradOutput: [Float], _ geometry: Pool2DGeometry, includePad: Bool)
    -> [Float]
  {
    var gradInput = [Float](repeating: .nan, count: geometry.inputCount)
    avgPool2DBackward(
      gradOutput: gradOutput, gradInput: &gradInput, geometry: geometry,
      countIncludePad: includePad)
    return gradInput
  }

  /// 4×4 arange, 2×2 stride 2: (0+1+4+5)/4 = 2.5, (2+3+6+7)/4 = 4.5, 10.5, 12.5.
  func testTwoByTwoOnArange() {
    let geometry = Pool2DGeometry(
      batch: 1, channels: 1, inputHeight: 4, inputWidth: 4, kernelSize: 2)
    for includePad in [false, true] {
      XCTAssertEqual(
        forward((0..<16).map(Float.init), geometry, includePad: includePad), [2.5, 4.5, 10.5, 12.5])
    }
  }

  /// 3×3 arange, 3×3 window, stride 1, padding 1 → 3×3. The corner window holds the real pixels
  /// 0+1+3+4 = 8, the top edge 0+1+2+3+4+5 = 15, the centre all nine, 36. With
  /// countIncludePad every divisor is 9; without it the corner divides by 4, the edge by 6.
  func testCountIncludePadDivisors() {
    let geometry = Pool2DGeometry(
      batch: 1, channels: 1, inputHeight: 3, inputWidth: 3, kernelSize: 3, stride: 1, padding: 1)
    let input = (0..<9).map(Float.init)
    let included = forward(input, geometry, includePad: true)
    XCTAssertEqual(included[0], 8 / 9, accuracy: 1e-6)
    XCTAssertEqual(included[1], 15 / 9, accuracy: 1e-6)
    XCTAssertEqual(included[4], 4, accuracy: 1e-6)
    let excluded = forward(input, geometry, includePad: false)
    XCTAssertEqual(excluded[0], 2, accuracy: 1e-6)
    XCTAssertEqual(excluded[1], 2.5, accuracy: 1e-6)
    XCTAssertEqual(excluded[4], 4, accuracy: 1e-6)
  }

  /// A 1×6 row [0, 1, 2, 3, 4, 5], window 3, stride 2, padding 1, ceil mode → 4 windows starting
  /// at −1, 1, 3, 5. The last one, 5…7, hangs past the padded edge (which ends at 6 + 1 = 7),
  /// so it is clipped to 5…6: one real pixel plus one padding pixel.
  ///   window       real sum   countIncludePad    exclude pad
  ///   −1…1 (pad,0,1)   1        1/3                 1/2
  ///    1…3             6        6/3 = 2             2
  ///    3…5            12        12/3 = 4            4
  ///    5…6 (5,pad)     5        5/2 = 2.5           5/1 = 5
  /// Backward with all-ones gradients spreads 1/divisor over each window's real pixels:
  ///   include: [1/3, 1/3+1/3, 1/3, 1/3+1/3, 1/3, 1/3+1/2]
  ///   exclude: [1/2, 1/2+1/3, 1/3, 1/3+1/3, 1/3, 1/3+1]
  func testCeilModeClipsTheLastWindowToThePaddedEdge() {
    let geometry = Pool2DGeometry(
      batch: 1, channels: 1, inputHeight: 1, inputWidth: 6, kernelHeight: 1, kernelWidth: 3,
      strideHeight: 1, strideWidth: 2, paddingHeight: 0, paddingWidth: 1, ceilMode: true)
    XCTAssertEqual(geometry.outputWidth, 4)
    let input: [Float] = [0, 1, 2, 3, 4, 5]
    assertClose(forward(input, geometry, includePad: true), [1.0 / 3, 2, 4, 2.5])
    assertClose(forward(input, geometry, includePad: false), [0.5, 2, 4, 5])
    let ones: [Float] = [1, 1, 1, 1]
    let third: Float = 1.0 / 3
    assertClose(
      backward(ones, geometry, includePad: true),
      [third, 2 * third, third, 2 * third, third, third + 0.5])
    assertClose(
      backward(ones, geometry, includePad: false),
      [0.5, 0.5 + third, third, 2 * third, third, third + 1])
  }

  /// Average pooling is linear, so backward must be its exact adjoint:
  /// ⟨avgPool(x), dy⟩ = ⟨x, backward(dy)⟩, for both divisor rules.
  func testBackwardIsAdjointOfForward() {
    var generator = SeededGenerator(seed: 13)
    for geometry in poolingConfigurations {
      for includePad in [false, true] {
        let input = randomValues(geometry.inputCount, &generator)
        let gradOutput = randomValues(geometry.outputCount, &generator)
        let left = innerProduct(forward(input, geometry, includePad: includePad), gradOutput)
        let right = innerProduct(input, backward(gradOutput, geometry, includePad: includePad))
        XCTAssertEqual(right, left, accuracy: 1e-4, "\(geometry) includePad \(includePad)")
      }
    }
  }
}
