import ConvNetKernels
import ConvNetTensor
import TestSupport
import XCTest

final class MaxPool2DTests: XCTestCase {
  private func forward(_ input: [Float], _ geometry: Pool2DGeometry) -> ([Float], [Int32]) {
    var output = [Float](repeating: .nan, count: geometry.outputCount)
    var indices = [Int32](repeating: -1, count: geometry.outputCount)
    maxPool2DForward(input: input, output: &output, indices: &indices, geometry: geometry)
    return (output, indices)
  }

  /// 4×4 arange, 2×2 stride 2 (the fast path): the maxima are the bottom-right pixels of each
  /// block, 5, 7, 13, 15 — and with arange the value is also the flat index.
  func testTwoByTwoOnArange() {
    let geometry = Pool2DGeometry(
      batch: 1, channels: 1, inputHeight: 4, inputWidth: 4, kernelSize: 2)
    let (output, indices) = forward((0..<16).map(Float.init), geometry)
    XCTAssertEqual(output, [5, 7, 13, 15])
    XCTAssertEqual(indices, [5, 7, 13, 15])
  }

  /// 5×5 arange, 2×2 stride 2, ceil mode → 3×3; the last row/column windows hold only row 4 /
  /// column 4: row 0 → max(0,1,5,6)=6, max(2,3,7,8)=8, max(4,9)=9; row 1 → 16, 18, 19;
  /// row 2 (input row 4 only) → max(20,21)=21, 23, 24.
  func testCeilModeOnArange() {
    let geometry = Pool2DGeometry(
      batch: 1, channels: 1, inputHeight: 5, inputWidth: 5, kernelSize: 2, ceilMode: true)
    let (output, indices) = forward((0..<25).map(Float.init), geometry)
    XCTAssertEqual(output, [6, 8, 9, 16, 18, 19, 21, 23, 24])
    XCTAssertEqual(indices, [6, 8, 9, 16, 18, 19, 21, 23, 24])
  }

  /// Padding is −∞, not 0: x = −(arange(16) + 1) as 4×4, 3×3 window, stride 2, padding 1 → 2×2.
  /// Window (0,0) covers rows/cols 0…1 → max(−1, −2, −5, −6) = −1 at 0; (0,1) rows 0…1, cols
  /// 1…3 → −2 at 1; (1,0) rows 1…3, cols 0…1 → −5 at 4; (1,1) → −6 at 5.
  func testPaddingNeverWins() {
    let geometry = Pool2DGeometry(
      batch: 1, channels: 1, inputHeight: 4, inputWidth: 4, kernelSize: 3, stride: 2, padding: 1)
    let (output, indices) = forward((0..<16).map { -Float($0) - 1 }, geometry)
    XCTAssertEqual(output, [-1, -2, -5, -6])
    XCTAssertEqual(indices, [0, 1, 4, 5])
  }

  /// Ties go to the first pixel in row-major order; a NaN anywhere in the window wins.
  func testTiesAndNaN() {
    for kernel in [2, 3] {  // 2 takes the fast path, 3 (padding 1, stride 2) the general loop
      let padding = kernel == 3 ? 1 : 0
      let geometry = Pool2DGeometry(
        batch: 1, channels: 1, inputHeight: 4, inputWidth: 4, kernelSize: kernel, stride: 2,
        padding: padding)
      let (tied, tiedIndices) = forward([Float](repeating: 7, count: 16), geometry)
      XCTAssertEqual(tied, [7, 7, 7, 7])
      // the first real pixel of each window
      XCTAssertEqual(tiedIndices, kernel == 2 ? [0, 2, 8, 10] : [0, 1, 4, 5], "kernel \(kernel)")
      var withNaN = (0..<16).map(Float.init)
      withNaN[4] = .nan  // row 1, column 0: inside window (0,0) in both geometries
      let (output, indices) = forward(withNaN, geometry)
      XCTAssertTrue(output[0].isNaN, "kernel \(kernel)")
      XCTAssertEqual(indices[0], 4, "kernel \(kernel)")
      XCTAssertEqual(output[3], 15, "kernel \(kernel)")
    }
  }

  /// The 2×2 / stride 2 fast path gives exactly what the general loop gives, including odd
  /// sizes (floor drops the last row/column), batches and planted NaNs.
  func testFastPathMatchesGeneralLoop() {
    var generator = SeededGenerator(seed: 5)
    for (batch, channels, height, width) in [
      (1, 1, 2, 2), (2, 3, 8, 6), (3, 2, 7, 9), (1, 4, 33, 17),
    ] {
      let geometry = Pool2DGeometry(
        batch: batch, channels: channels, inputHeight: height, inputWidth: width, kernelSize: 2)
      var input = randomValues(geometry.inputCount, &generator)
      input[input.count / 2] = .nan
      let (output, indices) = forward(input, geometry)
      var expected = [Float](repeating: 0, count: geometry.outputCount)
      var expectedIndices = [Int32](repeating: -2, count: geometry.outputCount)
      maxPool2DForwardReference(
        input: input, output: &expected, indices: &expectedIndices, geometry: geometry)
      XCTAssertEqual(indices, expectedIndices, "\(geometry)")
      XCTAssertEqual(
        output.map(\.bitPattern), expected.map(\.bitPattern), "\(geometry)")
    }
  }

  /// The SIMD windowed loop (every geometry but 2×2/2) gives bit for bit what the reference
  /// loop gives — values and indices, with and without ReLU — for ResNet's 3×3/2 padded pool,
  /// stride 1, ceil mode, wide rows (several 8-output groups plus a tail) and planted NaNs.
  func testWindowedLoopMatchesReference() {
    var generator = SeededGenerator(seed: 8)
    let geometries = [
      Pool2DGeometry(
        batch: 2, channels: 3, inputHeight: 23, inputWidth: 37, kernelSize: 3, stride: 2,
        padding: 1),
      Pool2DGeometry(
        batch: 1, channels: 2, inputHeight: 9, inputWidth: 30, kernelSize: 3, stride: 1,
        padding: 1),
      Pool2DGeometry(
        batch: 1, channels: 2, inputHeight: 10, inputWidth: 41, kernelSize: 3, stride: 2,
        ceilMode: true),
      Pool2DGeometry(
        batch: 1, channels: 1, inputHeight: 12, inputWidth: 50, kernelSize: 5, stride: 3,
        padding: 2),
      Pool2DGeometry(batch: 1, channels: 1, inputHeight: 5, inputWidth: 5, kernelSize: 3),
    ]
    for geometry in geometries {
      var input = randomValues(geometry.inputCount, &generator)
      input[input.count / 3] = .nan
      input[input.count / 2] = .nan
      for relu in [false, true] {
        var output = [Float](repeating: 0, count: geometry.outputCount)
        var indices = [Int32](repeating: -1, count: geometry.outputCount)
        maxPool2DForwardWindowed(
          input: input, output: &output, indices: &indices, geometry: geometry,
          applyingReLU: relu)
        var expected = [Float](repeating: 0, count: geometry.outputCount)
        var expectedIndices = [Int32](repeating: -2, count: geometry.outputCount)
        maxPool2DForwardReference(
          input: input, output: &expected, indices: &expectedIndices, geometry: geometry,
          applyingReLU: relu)
        XCTAssertEqual(indices, expectedIndices, "\(geometry) relu \(relu)")
        XCTAssertEqual(
          output.map(\.bitPattern), expected.map(\.bitPattern), "\(geometry) relu \(relu)")
      }
    }
  }

  /// The values-only forward (inference, `maxPool2DForwardValues`) gives bit for bit the
  /// reference's values at every SIMD level, with and without ReLU, with planted NaNs (±0 and
  /// ties too: the inputs are rounded to a coarse grid): ResNet's 3×3/2 padded pool on a row
  /// with several 16-output vectors and a masked tail, stride 1, ceil mode, stride 3 (gathers),
  /// 2×2, a non-square window and the shared pooling configurations.
  func testValuesOnlyForwardMatchesReference() {
    let geometries =
      [
        Pool2DGeometry(
          batch: 2, channels: 3, inputHeight: 23, inputWidth: 77, kernelSize: 3, stride: 2,
          padding: 1),
        Pool2DGeometry(
          batch: 1, channels: 2, inputHeight: 9, inputWidth: 40, kernelSize: 3, stride: 1,
          padding: 1),
        Pool2DGeometry(
          batch: 1, channels: 2, inputHeight: 10, inputWidth: 41, kernelSize: 3, stride: 2,
          ceilMode: true),
        Pool2DGeometry(
          batch: 1, channels: 1, inputHeight: 12, inputWidth: 70, kernelSize: 5, stride: 3,
          padding: 2),
        Pool2DGeometry(batch: 1, channels: 2, inputHeight: 6, inputWidth: 35, kernelSize: 2),
        Pool2DGeometry(batch: 1, channels: 1, inputHeight: 5, inputWidth: 5, kernelSize: 3),
      ] + poolingConfigurations
    forEachSIMDLevel { level in
      var generator = SeededGenerator(seed: 13)
      for geometry in geometries {
        // Values on a grid of quarters in [−2, 2]: many ties, zeros of both signs.
        var input = randomValues(geometry.inputCount, &generator).map { ($0 * 8).rounded() / 4 }
        input[input.count / 3] = .nan
        input[input.count / 2] = -.nan
        input[input.count / 5] = -0.0
        for relu in [false, true] {
          var output = [Float](repeating: 7, count: geometry.outputCount)
          maxPool2DForwardValues(
            input: input, output: &output, geometry: geometry, applyingReLU: relu)
          var expected = [Float](repeating: 0, count: geometry.outputCount)
          var indices = [Int32](repeating: -2, count: geometry.outputCount)
          maxPool2DForwardReference(
            input: input, output: &expected, indices: &indices, geometry: geometry,
            applyingReLU: relu)
          XCTAssertEqual(
            output.map(\.bitPattern), expected.map(\.bitPattern),
            "\(geometry) relu \(relu) simd \(level)")
        }
      }
    }
  }

  /// Backward routes each gradient to its window's maximum: 4×4 arange, 2×2 stride 2, gradients
  /// [1, 2, 3, 4] land at 5, 7, 13, 15 and everything else is 0.
  func testBackwardRoutesToTheMaximum() {
    let geometry = Pool2DGeometry(
      batch: 1, channels: 1, inputHeight: 4, inputWidth: 4, kernelSize: 2)
    let (_, indices) = forward((0..<16).map(Float.init), geometry)
    var gradInput = [Float](repeating: .nan, count: 16)
    maxPool2DBackward(
      gradOutput: [1, 2, 3, 4], indices: indices, gradInput: &gradInput, geometry: geometry)
    var expected = [Float](repeating: 0, count: 16)
    (expected[5], expected[7], expected[13], expected[15]) = (1, 2, 3, 4)
    XCTAssertEqual(gradInput, expected)
  }

  /// Overlapping windows add: a 3×3 image whose centre (9) is the maximum of all four 2×2
  /// stride-1 windows sends all four gradients there, 1 + 2 + 3 + 4 = 10.
  func testBackwardAccumulatesOverlappingWindows() {
    let geometry = Pool2DGeometry(
      batch: 1, channels: 1, inputHeight: 3, inputWidth: 3, kernelSize: 2, stride: 1)
    let (output, indices) = forward([0, 1, 0, 2, 9, 3, 0, 4, 0], geometry)
    XCTAssertEqual(output, [9, 9, 9, 9])
    var gradInput = [Float](repeating: .nan, count: 9)
    maxPool2DBackward(
      gradOutput: [1, 2, 3, 4], indices: indices, gradInput: &gradInput, geometry: geometry)
    XCTAssertEqual(gradInput, [0, 0, 0, 0, 10, 0, 0, 0, 0])
  }

  /// On random inputs (no ties) max pooling is locally linear, so backward is its adjoint:
  /// ⟨maxPool(x), dy⟩ = ⟨x, backward(dy)⟩ — across strides, padding and ceil mode, many planes.
  func testBackwardIsAdjointOfForward() {
    var generator = SeededGenerator(seed: 9)
    for geometry in poolingConfigurations {
      let input = randomValues(geometry.inputCount, &generator)
      let gradOutput = randomValues(geometry.outputCount, &generator)
      let (output, indices) = forward(input, geometry)
      var gradInput = [Float](repeating: .nan, count: geometry.inputCount)
      maxPool2DBackward(
        gradOutput: gradOutput, indices: indices, gradInput: &gradInput, geometry: geometry)
      let left = innerProduct(output, gradOutput)
      XCTAssertEqual(innerProduct(input, gradInput), left, accuracy: 1e-4, "\(geometry)")
    }
  }
}

/// Shared by the max and average pooling adjoint tests.
let poolingConfigurations: [Pool2DGeometry] = [
  Pool2DGeometry(batch: 2, channels: 3, inputHeight: 8, inputWidth: 8, kernelSize: 2),
  Pool2DGeometry(batch: 1, channels: 2, inputHeight: 7, inputWidth: 9, kernelSize: 3, stride: 2),
  Pool2DGeometry(
    batch: 2, channels: 2, inputHeight: 6, inputWidth: 7, kernelSize: 3, stride: 2, padding: 1,
    ceilMode: true),
  Pool2DGeometry(
    batch: 1, channels: 3, inputHeight: 9, inputWidth: 5, kernelHeight: 3, kernelWidth: 2,
    strideHeight: 1, strideWidth: 2, paddingHeight: 1, paddingWidth: 1, ceilMode: true),
  // enough planes of 32×32 (≥ 32k pixels per chunk) to be split over threads
  Pool2DGeometry(batch: 4, channels: 16, inputHeight: 32, inputWidth: 32, kernelSize: 3, stride: 2),
]
