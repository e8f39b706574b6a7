import ConvNetKernels
import TestSupport
import XCTest

/// `invertedResidualForward` (MobileNetV2's block fused over bands of rows) against the three
/// convolutions run one by one through the reference twin with their epilogues written out:
/// with and without the expansion, strides 1 and 2, with and without the shortcut, one band
/// and several (the halo rows at band edges), a batch smaller than the thread count (bands
/// split to go round, or the channels split where bands would be too thin), at every SIMD
/// level; and the same values, bit for bit, whatever the thread count and schedule.
final class InvertedResidualForwardTests: XCTestCase {
  struct Case {
    var batch, channels, height, width, hidden, output, stride: Int
    var expands: Bool
    var threads: Int
    /// The schedule the plan must make (so that a change to the plan cannot quietly leave the
    /// several-band or the channel path untested).
    var schedule: InvertedResidualSchedule
  }

  static let cases: [Case] = [
    Case(batch: 2, channels: 4, height: 6, width: 5, hidden: 24, output: 4, stride: 1, expands: true, threads: 1, schedule: .bands(perImage: 1)),
    Case(batch: 1, channels: 3, height: 9, width: 7, hidden: 18, output: 5, stride: 2, expands: true, threads: 1, schedule: .bands(perImage: 1)),
    Case(batch: 2, channels: 8, height: 8, width: 8, hidden: 8, output: 6, stride: 1, expands: false, threads: 1, schedule: .bands(perImage: 1)),
    // hidden 400 > the GEMM's depth block (384): the projection sums over two depth blocks
    Case(batch: 1, channels: 8, height: 5, width: 6, hidden: 400, output: 8, stride: 1, expands: true, threads: 1, schedule: .bands(perImage: 1)),
    // a batch of 1 over 2 or 3 threads: bands of 8–10 rows
    Case(batch: 1, channels: 4, height: 25, width: 11, hidden: 24, output: 4, stride: 1, expands: true, threads: 3, schedule: .bands(perImage: 3)),
    Case(batch: 1, channels: 5, height: 33, width: 16, hidden: 30, output: 7, stride: 2, expands: true, threads: 2, schedule: .bands(perImage: 2)),
    // large enough for several bands (the last: 2 from the budget, rounded up to 3 threads) from the cache budget alone (hidden 96 × 80 floats a row)
    Case(batch: 2, channels: 16, height: 40, width: 40, hidden: 96, output: 16, stride: 1, expands: true, threads: 1, schedule: .bands(perImage: 2)),
    Case(batch: 1, channels: 16, height: 75, width: 75, hidden: 96, output: 24, stride: 2, expands: true, threads: 1, schedule: .bands(perImage: 3)),
    Case(batch: 1, channels: 32, height: 90, width: 90, hidden: 32, output: 16, stride: 1, expands: false, threads: 3, schedule: .bands(perImage: 3)),
    // small images at a batch under the thread count: channels split (hidden and output counts
    // that are not whole register tiles of 6 rows; hidden 400 over two depth blocks)
    Case(batch: 1, channels: 8, height: 7, width: 7, hidden: 50, output: 8, stride: 1, expands: true, threads: 2, schedule: .channels),
    Case(batch: 1, channels: 6, height: 14, width: 14, hidden: 40, output: 13, stride: 2, expands: true, threads: 2, schedule: .channels),
    // 14×14 at batch 1 over two threads: bands of 7 rows would be too thin
    Case(batch: 1, channels: 4, height: 14, width: 14, hidden: 24, output: 4, stride: 1, expands: true, threads: 2, schedule: .channels),
    Case(batch: 1, channels: 5, height: 13, width: 11, hidden: 30, output: 7, stride: 2, expands: true, threads: 3, schedule: .channels),
    Case(batch: 2, channels: 16, height: 7, width: 7, hidden: 16, output: 16, stride: 1, expands: false, threads: 3, schedule: .channels),
    Case(batch: 1, channels: 10, height: 5, width: 9, hidden: 400, output: 10, stride: 1, expands: true, threads: 4, schedule: .channels),
  ]

  /// The reference: convolution by the twin, then bias, residual and activation per element.
  static func convolve(
    _ input: [Float], _ weight: [Float], _ bias: [Float], _ geometry: Conv2DGeometry,
    residual: [Float]? = nil, _ activation: FusedActivation
  ) -> [Float] {
    var output = [Float](repeating: .nan, count: geometry.outputCount)
    conv2DForwardReference(input: input, weight: weight, bias: bias, output: &output, geometry: geometry)
    return output.indices.map { i in
      PreparedConv2DTests.activate(output[i] + (residual?[i] ?? 0), activation)
    }
  }

  func testMatchesTheConvolutionsOneByOne() {
    forEachSIMDLevel { level in
      var generator = SeededGenerator(seed: 13)
      func random(_ count: Int, _ range: ClosedRange<Float>) -> [Float] {
        (0..<count).map { _ in Float.random(in: range, using: &generator) }
      }
      for row in Self.cases {
        let (N, C, H, W, E, O, s) = (
          row.batch, row.channels, row.height, row.width, row.hidden, row.output, row.stride
        )
        let input = random(N * C * H * W, -2...2)
        let expandWeight = random(E * C, -0.6...0.6)
        let expandBias = random(E, -1...1)
        let depthwiseWeight = random(E * 9, -0.6...0.6)
        let depthwiseBias = random(E, -1...1)
        let projectWeight = random(O * E, -0.3...0.3)
        let projectBias = random(O, -1...1)

        // One by one.
        let expandGeometry = Conv2DGeometry(
          batch: N, inputChannels: C, inputHeight: H, inputWidth: W, outputChannels: E, kernelSize: 1)
        let expanded =
          row.expands
          ? Self.convolve(input, expandWeight, expandBias, expandGeometry, .relu6) : input
        let depthwiseGeometry = Conv2DGeometry(
          batch: N, inputChannels: E, inputHeight: H, inputWidth: W, outputChannels: E,
          kernelSize: 3, stride: s, padding: 1, groups: E)
        let depthwise = Self.convolve(expanded, depthwiseWeight, depthwiseBias, depthwiseGeometry, .relu6)
        let projectGeometry = Conv2DGeometry(
          batch: N, inputChannels: E, inputHeight: depthwiseGeometry.outputHeight,
          inputWidth: depthwiseGeometry.outputWidth, outputChannels: O, kernelSize: 1)
        let addsInput = s == 1 && C == O
        let expected = Self.convolve(
          depthwise, projectWeight, projectBias, projectGeometry, residual: addsInput ? input : nil, .none)

        // Fused.
        func prepare(_ weight: [Float], _ bias: [Float], _ shape: [Int], _ settings: Conv2DSettings)
          -> PreparedConv2D
        {
          PreparedConv2D(weight: weight, weightShape: shape, bias: bias, settings: settings)
        }
        let block = InvertedResidualConvolutions(
          expand: row.expands ? prepare(expandWeight, expandBias, [E, C, 1, 1], Conv2DSettings()) : nil,
          depthwise: prepare(
            depthwiseWeight, depthwiseBias, [E, 1, 3, 3], Conv2DSettings(stride: s, padding: 1, groups: E)),
          project: prepare(projectWeight, projectBias, [O, E, 1, 1], Conv2DSettings()))
        let label = "\(row) simd \(level)"
        XCTAssertEqual(block.outputShape(input: [N, C, H, W]), [N, O, projectGeometry.inputHeight, projectGeometry.inputWidth], label)
        XCTAssertEqual(block.schedule(input: [N, C, H, W], threads: row.threads), row.schedule, label)
        func fused(threads: Int) -> [Float] {
          var output = [Float](repeating: .nan, count: expected.count)
          let done = invertedResidualForward(
            block, input: input, shape: [N, C, H, W], addingInput: addsInput, output: &output,
            threads: threads)
          XCTAssertTrue(done, label)
          return output
        }
        let output = fused(threads: row.threads)
        assertClose(output, expected, absoluteTolerance: 1e-4, relativeTolerance: 1e-4, label)
        // Other thread counts plan other bands or split the channels: the same bits.
        for threads in [1, 2, 3] where threads != row.threads {
          let other = fused(threads: threads)
          XCTAssertEqual(other.map(\.bitPattern), output.map(\.bitPattern), "\(label) threads \(threads)")
        }
      }
    }
  }

  /// The schedule of small images (bands of 3 rows would be too thin at batch 1 over two
  /// threads; at batch 2 one band per image); shapes the kernel does not take are refused, with
  /// nothing written: channels that do not chain, a strided 1×1.
  func testRefusesWhatItDoesNotRun() {
    func prepared(_ shape: [Int], _ settings: Conv2DSettings = Conv2DSettings()) -> PreparedConv2D {
      let weight = [Float](repeating: 0.1, count: shape.reduce(1, *))
      return PreparedConv2D(weight: weight, weightShape: shape, bias: nil, settings: settings)
    }
    let block = InvertedResidualConvolutions(
      expand: prepared([12, 2, 1, 1]), depthwise: prepared([12, 1, 3, 3], Conv2DSettings(padding: 1, groups: 12)),
      project: prepared([2, 12, 1, 1]))
    XCTAssertEqual(block.schedule(input: [1, 2, 7, 7], threads: 2), .channels)
    XCTAssertNil(block.bandsPerImage(input: [1, 2, 7, 7], threads: 2))
    XCTAssertEqual(block.schedule(input: [2, 2, 7, 7], threads: 2), .bands(perImage: 1))
    XCTAssertNil(block.outputShape(input: [1, 3, 7, 7]))
    XCTAssertNil(block.schedule(input: [1, 3, 7, 7], threads: 2))
    let strided = InvertedResidualConvolutions(
      expand: prepared([12, 2, 1, 1], Conv2DSettings(stride: 2)),
      depthwise: prepared([12, 1, 3, 3], Conv2DSettings(padding: 1, groups: 12)),
      project: prepared([2, 12, 1, 1]))
    XCTAssertNil(strided.outputShape(input: [1, 2, 7, 7]))
    var output = [Float](repeating: .nan, count: 2 * 49)
    XCTAssertFalse(
      invertedResidualForward(block, input: [Float](repeating: 1, count: 147), shape: [1, 3, 7, 7],
        addingInput: false, output: &output, threads: 2))
    XCTAssertFalse(
      invertedResidualForward(strided, input: [Float](repeating: 1, count: 98), shape: [1, 2, 7, 7],
        addingInput: false, output: &output, threads: 2))
    XCTAssertTrue(output.allSatisfy(\.isNaN))
  }
}
