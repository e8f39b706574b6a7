import ConvNetKernels
import ConvNetTensor
import XCTest

/// The C 2×2 kernel (AVX2 and portable) and the fused ReLU → max pooling, against the general
/// Swift loop run on a rectified copy of the input.
final class MaxPool2DReLUTests: XCTestCase {
  /// Sizes with SIMD bodies (OW ≥ 8) and scalar tails, odd heights/widths (floor drops the
  /// last row/column), several planes.
  private let shapes = [
    (1, 1, 2, 2), (2, 3, 8, 6), (3, 2, 7, 9), (1, 4, 33, 17), (2, 6, 28, 28), (1, 2, 10, 40),
    (1, 1, 5, 35), (2, 16, 10, 10), (1, 3, 4, 4), (1, 2, 6, 7),
  ]

  private func relu(_ values: [Float]) -> [Float] { values.map { $0 > 0 ? $0 : 0 } }

  func testTwoByTwoKernelsMatchGeneralLoopWithAndWithoutReLU() {
    var generator = SeededGenerator(seed: 21)
    for (batch, channels, height, width) in shapes {
      let geometry = Pool2DGeometry(
        batch: batch, channels: channels, inputHeight: height, inputWidth: width, kernelSize: 2)
      var input = randomValues(geometry.inputCount, &generator)
      input[input.count / 2] = .nan
      input[input.count / 3] = input[input.count / 3 + 1]  // a tie
      input[0] = -0.0
      for applyingReLU in [false, true] {
        var expected = [Float](repeating: 0, count: geometry.outputCount)
        var expectedIndices = [Int32](repeating: -2, count: geometry.outputCount)
        maxPool2DForwardReference(
          input: applyingReLU ? relu(input) : input, output: &expected,
          indices: &expectedIndices, geometry: geometry)
        for simdLevel: Int32 in [0, poolSIMDLevel] {
          var output = [Float](repeating: 7, count: geometry.outputCount)
          var indices = [Int32](repeating: -1, count: geometry.outputCount)
          maxPool2DForwardTwoByTwo(
            input: input, output: &output, indices: &indices, geometry: geometry,
            applyingReLU: applyingReLU, simdLevel: simdLevel)
          let label = "\(geometry) relu \(applyingReLU) simd \(simdLevel)"
          XCTAssertEqual(indices, expectedIndices, label)
          XCTAssertEqual(output.map(\.bitPattern), expected.map(\.bitPattern), label)
        }
      }
    }
  }

  /// The general loop with `applyingReLU` is the general loop on relu(x), for any geometry.
  func testGeneralLoopReLUMatchesRectifiedInput() {
    var generator = SeededGenerator(seed: 22)
    for geometry in poolingConfigurations {
      let input = randomValues(geometry.inputCount, &generator)
      var fused = [Float](repeating: 0, count: geometry.outputCount)
      var fusedIndices = [Int32](repeating: 0, count: geometry.outputCount)
      maxPool2DForward(
        input: input, output: &fused, indices: &fusedIndices, geometry: geometry,
        applyingReLU: true)
      var plain = [Float](repeating: 0, count: geometry.outputCount)
      var plainIndices = [Int32](repeating: 0, count: geometry.outputCount)
      maxPool2DForwardReference(
        input: relu(input), output: &plain, indices: &plainIndices, geometry: geometry)
      XCTAssertEqual(fused.map(\.bitPattern), plain.map(\.bitPattern), "\(geometry)")
      XCTAssertEqual(fusedIndices, plainIndices, "\(geometry)")
    }
  }

  /// Backward with `reluOutput` equals max-pool backward followed by the ReLU's backward
  /// (gradient kept where the input was > 0).
  func testBackwardWithReLUOutputMatchesTwoSteps() {
    var generator = SeededGenerator(seed: 23)
    for geometry in poolingConfigurations {
      let input = randomValues(geometry.inputCount, &generator)
      let gradOutput = randomValues(geometry.outputCount, &generator)
      var output = [Float](repeating: 0, count: geometry.outputCount)
      var indices = [Int32](repeating: 0, count: geometry.outputCount)
      maxPool2DForward(
        input: input, output: &output, indices: &indices, geometry: geometry, applyingReLU: true)
      var fused = [Float](repeating: .nan, count: geometry.inputCount)
      maxPool2DBackward(
        gradOutput: gradOutput, indices: indices, gradInput: &fused, geometry: geometry,
        reluOutput: output)
      var routed = [Float](repeating: .nan, count: geometry.inputCount)
      maxPool2DBackward(
        gradOutput: gradOutput, indices: indices, gradInput: &routed, geometry: geometry)
      let expected = zip(routed, input).map { g, x in x > 0 ? g : 0 }
      XCTAssertEqual(fused.map(\.bitPattern), expected.map(\.bitPattern), "\(geometry)")
    }
  }
}
