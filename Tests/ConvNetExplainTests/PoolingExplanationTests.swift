import ConvNetAutograd
import ConvNetExplain
import ConvNetKernels
import ConvNetNN
import ConvNetTensor
import TestSupport
import XCTest

final class PoolingExplanationTests: XCTestCase {
  /// 4×4 → 2×2 with 2×2 windows at stride 2. Max: the windows [1 3; 5 6], [2 4; 7 8],
  /// [3 2; 1 2], [1 0; 3 4] are won by 6, 8, 3, 4 at input cells (1,1), (1,3), (2,0), (3,3).
  /// Average: 15/4, 21/4, 8/4, 8/4.
  static let input: [[[Float]]] = [[[1, 3, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]]]

  func testMaxPoolingWinners() throws {
    let e = try PoolingExplanation(PoolingRequest(kind: .max, input: Self.input))
    XCTAssertEqual(e.height.output, 2)
    XCTAssertEqual(e.parameterCount, 0)
    let c = try XCTUnwrap(e.computation)
    XCTAssertEqual(c.output, [[[6, 8], [3, 4]]])
    XCTAssertEqual(
      c.steps.map { [$0.winner!.inputRow, $0.winner!.inputColumn] }, [[1, 1], [1, 3], [2, 0], [3, 3]])
    XCTAssertTrue(c.matchesKernel)
    XCTAssertNil(c.convolutionOutput)
    let text = ExplanationRenderer().render(e)
    XCTAssertTrue(text.contains("[2 4; 7 8] → max 8 at (1, 1) in the window, input cell (1, 3)"), text)
  }

  /// Ties go to the first largest value in row-major order, as the kernels choose (PyTorch's
  /// `val > max`): in [5 5; 1 5] the winner is (0, 0), and the gradient goes there too.
  func testTiesGoToTheFirstLargest() throws {
    let tied: [[[Float]]] = [[[5, 5], [1, 5]]]
    let e = try PoolingExplanation(PoolingRequest(kind: .max, input: tied))
    let winner = try XCTUnwrap(e.computation?.steps.first?.winner)
    XCTAssertEqual([winner.inputRow, winner.inputColumn], [0, 0])
    let backward = try PoolingBackwardExplanation(PoolingRequest(kind: .max, input: tied))
    XCTAssertEqual(backward.inputGradient, [[[1, 0], [0, 0]]])
    XCTAssertTrue(backward.matchesAutograd)
  }

  func testAveragePoolingIsAConvolutionWithEqualWeights() throws {
    let e = try PoolingExplanation(PoolingRequest(kind: .average, input: Self.input))
    let c = try XCTUnwrap(e.computation)
    XCTAssertEqual(c.output, [[[3.75, 5.25], [2, 2]]])
    XCTAssertEqual(c.convolutionWeight, 0.25)
    XCTAssertEqual(c.matchesConvolution, true)
    XCTAssertTrue(c.matchesKernel)
    let text = ExplanationRenderer().render(e)
    XCTAssertTrue(text.contains("(2 + 4 + 7 + 8)/4 = 21/4 = 5.25"), text)
    XCTAssertTrue(text.contains("1/(2·2) = 0.25"), text)
  }

  /// Overlapping 3×3 windows at stride 2 with padding 1 on random data, several channels: the
  /// hand loops equal the kernels (a separate call here), for max and average.
  func testHandWorkedWindowsEqualThePoolingKernels() throws {
    var generator = SeededGenerator(seed: 3)
    let input = (0..<2).map { _ in (0..<7).map { _ in (0..<7).map { _ in generator.nextUnitFloat() } } }
    let geometry = Pool2DGeometry(
      batch: 1, channels: 2, inputHeight: 7, inputWidth: 7, kernelSize: 3, stride: 2, padding: 1)
    let x = Variable(Tensor(shape: [1, 2, 7, 7], scalars: Array(input.joined().joined())))
    for kind in PoolingKind.allCases {
      let e = try PoolingExplanation(
        PoolingRequest(kind: kind, kernel: 3, stride: 2, padding: 1, input: input))
      let expected =
        kind == .max
        ? maxPool2d(x, settings: geometry.settings) : avgPool2d(x, settings: geometry.settings)
      let c = try XCTUnwrap(e.computation)
      assertClose(Array(c.output.joined().joined()), expected.value.scalars, "\(kind)")
      XCTAssertEqual(c.output[0].count, 4)
    }
  }

  func testBadPoolingRequests() {
    XCTAssertThrowsError(try PoolingExplanation(PoolingRequest(kind: .max, kernel: 2))) {
      XCTAssertEqual(($0 as? ExplainError)?.field, .input)
    }
    XCTAssertThrowsError(
      try PoolingExplanation(PoolingRequest(kind: .max, inputSize: 4, kernel: 2, padding: 2))
    ) {
      XCTAssertEqual(($0 as? ExplainError)?.field, .padding)
    }
    XCTAssertThrowsError(try PoolingExplanation(PoolingRequest(kind: .max, inputSize: 2, kernel: 3))) {
      XCTAssertEqual(($0 as? ExplainError)?.field, .kernel)
    }
  }
}
