import ConvNetAutograd
import ConvNetExplain
import ConvNetKernels
import ConvNetNN
import ConvNetTensor
import TestSupport
import XCTest

final class ConvolutionExplanationTests: XCTestCase {
  /// (W − F + 2P)/S + 1 for the course's 7×7 input and 3×3 filter: (7 − 3)/1 + 1 = 5 at stride
  /// 1, (7 − 3)/2 + 1 = 3 at stride 2, (7 − 3 + 2)/1 + 1 = 7 with padding 1.
  func testCourseOutputSizes() throws {
    let cases: [(stride: Int, padding: Int, span: Int, output: Int)] = [
      (1, 0, 4, 5), (2, 0, 4, 3), (1, 1, 6, 7),
    ]
    for (stride, padding, span, output) in cases {
      let e = try ConvolutionExplanation(
        ConvolutionRequest(
          inputSize: 7, kernel: 3, stride: Size2(stride, stride), padding: Size2(padding, padding)))
      XCTAssertEqual(e.height.span, span)
      XCTAssertEqual(e.height.output, output, "stride \(stride), padding \(padding)")
      XCTAssertEqual(e.width.output, output)
      XCTAssertEqual(e.height.uncovered, 0)
      let text = ExplanationRenderer().render(e)
      XCTAssertTrue(
        text.contains("(7 − 3 + 2·\(padding))/\(stride) + 1 = \(span)/\(stride) + 1 = \(output)"), text)
    }
    // 7×7 with a 3×3 filter at stride 3 does not fit: (7 − 3)/3 rounds down, one column is left.
    let uneven = try ConvolutionExplanation(ConvolutionRequest(inputSize: 7, kernel: 3, stride: 3))
    XCTAssertEqual(uneven.height.output, 2)
    XCTAssertEqual(uneven.height.uncovered, 1)
  }

  /// A 32×32×3 input with six 5×5 filters: (5·5·3 + 1)·6 = 456 parameters; 28·28·6 outputs of
  /// 75 MACs each = 352,800; receptive field 5×5.
  func testParametersMACsAndReceptiveField() throws {
    let e = try ConvolutionExplanation(
      ConvolutionRequest(inputSize: 32, channels: 3, filters: 6, kernel: 5))
    XCTAssertEqual(e.parameterCount, 456)
    XCTAssertEqual(e.parameterFormula, "(5·5·3+1)·6 = 456")
    XCTAssertEqual(e.multiplyAccumulates, 352_800)
    XCTAssertEqual(e.receptiveField, Size2(5, 5))
    // Stacked 3×3 layers at stride 1 see 3, 5, 7 pixels; at stride 2 each layer's step doubles:
    // 3, 3 + 2·2 = 7, 7 + 2·4 = 15.
    let vgg = try ConvolutionExplanation(ConvolutionRequest(inputSize: 32, kernel: 3, padding: 1))
    XCTAssertEqual(vgg.stackedReceptiveFields, [Size2(3, 3), Size2(5, 5), Size2(7, 7)])
    let strided = try ConvolutionExplanation(ConvolutionRequest(inputSize: 32, kernel: 3, stride: 2))
    XCTAssertEqual(strided.stackedReceptiveFields.map(\.height), [3, 7, 15])
    XCTAssertNil(e.computation)
  }

  /// The course's first output cell: channel sums 0, 2, 0, plus bias 1 = 3.
  func testCourseWorkedFirstCell() throws {
    let e = try ConvolutionExplanation(CourseExample.request())
    let c = try XCTUnwrap(e.computation)
    XCTAssertEqual(c.steps.count, 18)  // 3×3 cells × 2 filters
    let first = c.steps[0]
    XCTAssertEqual([first.map, first.row, first.column], [0, 0, 0])
    XCTAssertEqual(
      first.terms.map(\.patch),
      [
        [[0, 0, 0], [0, 1, 1], [0, 1, 1]], [[0, 0, 0], [0, 0, 1], [0, 2, 2]],
        [[0, 0, 0], [0, 2, 2], [0, 0, 0]],
      ])
    XCTAssertEqual(
      first.terms.map(\.kernel),
      [
        [[1, 1, 1], [-1, -1, 0], [-1, 1, 0]], [[-1, -1, 1], [-1, 1, 0], [-1, 1, 0]],
        [[1, 0, -1], [0, 0, 0], [1, -1, -1]],
      ])
    XCTAssertEqual(first.terms.map(\.sum), [0, 2, 0])
    XCTAssertEqual(first.bias, 1)
    XCTAssertEqual(first.total, 3)
    XCTAssertEqual(c.output[0][0][0], 3)
    XCTAssertTrue(c.matchesKernel)
    let text = ExplanationRenderer().render(e)
    XCTAssertTrue(text.contains("0 + 2 + 0 + 1 (bias b0) = 3"), text)
    XCTAssertTrue(
      text.contains(
        "x[1] [0 0 0; 0 0 1; 0 2 2] ⊙ w0[1] [-1 -1 1; -1 1 0; -1 1 0] = [0 0 0; 0 0 0; 0 2 0] → 2"), text)
    // Small enough to show every step.
    XCTAssertTrue(text.contains("step 18/18"), text)
  }

  /// The course's vertical-line detector: an 8×8 image holding a 2-pixel-wide vertical line
  /// (columns 3 and 4, every row) and the 3×3 kernel whose middle column is ones. Output cell
  /// (i, j) sums the window's middle column, image column j + 1, over 3 rows: 3 when j + 1 is 3
  /// or 4 (j = 2, 3), else 0 — every row of the 6×6 map is [0, 0, 3, 3, 0, 0].
  func testVerticalLineDetector() throws {
    let row: [Float] = [0, 0, 0, 1, 1, 0, 0, 0]
    let image = [[[Float]]](repeating: [[Float]](repeating: row, count: 8), count: 1)
    let kernel: [[Float]] = [[0, 1, 0], [0, 1, 0], [0, 1, 0]]
    let e = try ConvolutionExplanation(ConvolutionRequest(input: image, weights: [[kernel]]))
    let c = try XCTUnwrap(e.computation)
    XCTAssertEqual(c.output[0].count, 6)
    for r in 0..<6 { XCTAssertEqual(c.output[0][r], [0, 0, 3, 3, 0, 0], "row \(r)") }
    XCTAssertTrue(c.matchesKernel)
  }

  /// The hand loops equal the library's conv2d (a separate call here, not the explanation's own
  /// check) on random numbers, through the kernel paths: im2col GEMM with stride and padding,
  /// depthwise-like single channel, row tiles, gather tiles, Winograd.
  func testHandWorkedMapsEqualTheConvolutionKernel() throws {
    var generator = SeededGenerator(seed: 7)
    let cases: [(channels: Int, filters: Int, size: Int, kernel: Int, stride: Int, padding: Int)] = [
      (3, 2, 5, 3, 2, 1), (1, 1, 9, 3, 1, 0), (1, 6, 12, 5, 1, 2), (6, 16, 14, 5, 1, 0),
      (16, 16, 18, 3, 1, 1), (2, 3, 7, 2, 3, 1),
    ]
    for (channels, filters, size, kernel, stride, padding) in cases {
      func random(_ count: Int) -> [Float] { (0..<count).map { _ in generator.nextUnitFloat() * 2 - 1 } }
      let input = (0..<channels).map { _ in (0..<size).map { _ in random(size) } }
      let weights = (0..<filters).map { _ in
        (0..<channels).map { _ in (0..<kernel).map { _ in random(kernel) } }
      }
      let bias = random(filters)
      let e = try ConvolutionExplanation(
        ConvolutionRequest(
          stride: Size2(stride, stride), padding: Size2(padding, padding), input: input, weights: weights,
          bias: bias))
      let geometry = Conv2DGeometry(
        batch: 1, inputChannels: channels, inputHeight: size, inputWidth: size, outputChannels: filters,
        kernelSize: kernel, stride: stride, padding: padding)
      let expected = conv2d(
        Variable(Tensor(shape: [1, channels, size, size], scalars: Array(input.joined().joined()))),
        weight: Variable(
          Tensor(
            shape: [filters, channels, kernel, kernel], scalars: Array(weights.joined().joined().joined()))),
        bias: Variable(Tensor(shape: [filters], scalars: bias)), settings: geometry.settings
      ).value
      let c = try XCTUnwrap(e.computation)
      assertClose(
        Array(c.output.joined().joined()), expected.scalars, absoluteTolerance: 1e-4,
        "channels \(channels), filters \(filters), size \(size), kernel \(kernel), stride \(stride)")
      XCTAssertEqual(
        [filters, c.output[0].count, c.output[0][0].count], Array(expected.shape.dropFirst()))
      XCTAssertTrue(c.matchesKernel)
    }
  }

  /// Big cases show the first steps and say how many more there are; `.all` shows them all.
  func testLongOutputsAreCut() throws {
    let image = (0..<10).map { r in (0..<10).map { Float(r * $0 % 7) } }
    let e = try ConvolutionExplanation(ConvolutionRequest(input: [image], weights: [[[[1, 0], [0, -1]]]]))
    XCTAssertEqual(e.computation?.steps.count, 81)
    let text = ExplanationRenderer(showAllHint: "--all-steps").render(e)
    XCTAssertTrue(text.contains("step 4/81"), text)
    XCTAssertFalse(text.contains("step 5/81"), text)
    XCTAssertTrue(text.contains("… 77 more steps not shown (show them all with --all-steps)"), text)
    let all = ExplanationRenderer(steps: .all).render(e)
    XCTAssertTrue(all.contains("step 81/81"))
    XCTAssertFalse(all.contains("more steps"))
    XCTAssertTrue(ExplanationRenderer(steps: .first(10)).render(e).contains("… 71 more steps not shown"))
  }

  func testInconsistentRequestsNameTheField() throws {
    func field(_ request: ConvolutionRequest) -> ExplainError.Field? {
      do {
        _ = try ConvolutionExplanation(request)
        return nil
      } catch let error as ExplainError {
        return error.field
      } catch {
        return nil
      }
    }
    let image: [[[Float]]] = [[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]
    XCTAssertEqual(field(ConvolutionRequest(kernel: 3)), .input)
    XCTAssertEqual(field(ConvolutionRequest(inputSize: 7)), .kernel)
    XCTAssertEqual(field(ConvolutionRequest(inputSize: 3, kernel: 5)), .kernel)
    XCTAssertEqual(field(ConvolutionRequest(inputSize: 7, kernel: 3, stride: 0)), .stride)
    XCTAssertEqual(field(ConvolutionRequest(inputSize: 7, kernel: 3, padding: Size2(-1, -1))), .padding)
    XCTAssertEqual(field(ConvolutionRequest(input: image)), .weights)
    XCTAssertEqual(field(ConvolutionRequest(inputSize: 4, input: image, weights: [[[[1]]]])), .input)
    XCTAssertEqual(field(ConvolutionRequest(input: image, weights: [[[[1]], [[1]]]])), .weights)
    XCTAssertEqual(field(ConvolutionRequest(input: image, weights: [[[[1]]]], bias: [1, 2])), .bias)
    XCTAssertEqual(
      field(ConvolutionRequest(inputSize: 100_000, channels: 1000, filters: 1000, kernel: 11)), .filters)
    XCTAssertNil(field(ConvolutionRequest(input: image, weights: [[[[1]]]])))
    // Through the API (no text parser in between): empty or ragged values are errors, not traps.
    XCTAssertEqual(field(ConvolutionRequest(input: [], weights: [[[[1]]]])), .values)
    XCTAssertEqual(field(ConvolutionRequest(input: [[[1, 2], [3]]], weights: [[[[1]]]])), .values)
    XCTAssertEqual(field(ConvolutionRequest(input: image, weights: [[[[1]]], []])), .weights)
  }
}
