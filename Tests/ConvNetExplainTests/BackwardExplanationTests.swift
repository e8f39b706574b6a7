import ConvNetAutograd
import ConvNetExplain
import ConvNetKernels
import ConvNetNN
import ConvNetTensor
import TestSupport
import XCTest

final class BackwardExplanationTests: XCTestCase {
  /// x = [1 2 3; 4 5 6; 7 8 9], w = [1 0; 0 −1], ∂L/∂y = [1 2; 3 4]. By hand: rot180(w) =
  /// [−1 0; 0 1]; ∂L/∂x[i][j] = ∂L/∂y[i][j]·1 + ∂L/∂y[i−1][j−1]·(−1) = [1 2 0; 3 3 −2; 0 −3 −4];
  /// ∂L/∂w[u][v] = Σ x[i+u][j+v]·∂L/∂y[i][j]: 1+4+12+20 = 37, 2+6+15+24 = 47, 4+10+21+32 = 67,
  /// 5+12+24+36 = 77; ∂L/∂b = 10.
  func testFullConvolutionWithTheRotatedKernel() throws {
    let e = try ConvolutionBackwardExplanation(
      input: [[[1, 2, 3], [4, 5, 6], [7, 8, 9]]], kernel: [[[1, 0], [0, -1]]],
      outputGradient: [[1, 2], [3, 4]])
    XCTAssertEqual(e.rotatedKernel, [[[-1, 0], [0, 1]]])
    XCTAssertEqual(e.paddedGradient, [[0, 0, 0, 0], [0, 1, 2, 0], [0, 3, 4, 0], [0, 0, 0, 0]])
    XCTAssertEqual(e.inputGradient, [[[1, 2, 0], [3, 3, -2], [0, -3, -4]]])
    XCTAssertEqual(e.weightGradient, [[[37, 47], [67, 77]]])
    XCTAssertEqual(e.biasGradient, 10)
    XCTAssertEqual(e.steps.count, 9)
    XCTAssertEqual(e.steps[4].terms[0].patch, [[1, 2], [3, 4]])
    XCTAssertEqual(e.autogradInputGradient, e.inputGradient)
    XCTAssertTrue(
      e.inputGradientMatchesAutograd && e.weightGradientMatchesAutograd && e.biasGradientMatchesAutograd)
    let text = ExplanationRenderer().render(e)
    XCTAssertTrue(text.contains("rot180(w[0])"), text)
    XCTAssertTrue(text.contains("✓ autograd (the library's backward pass) computes the same ∂L/∂x"), text)
  }

  /// Random multi-channel case: the full convolution equals autograd's input gradient (checked
  /// here against a separate backward call), and the weight gradient equals autograd's.
  func testBackwardEqualsAutograd() throws {
    var generator = SeededGenerator(seed: 11)
    func random(_ count: Int) -> [Float] { (0..<count).map { _ in generator.nextUnitFloat() * 2 - 1 } }
    let input = (0..<3).map { _ in (0..<6).map { _ in random(5) } }
    let kernel = (0..<3).map { _ in (0..<3).map { _ in random(2) } }
    let gradient = (0..<4).map { _ in random(4) }
    let e = try ConvolutionBackwardExplanation(
      input: input, kernel: kernel, bias: 0.5, outputGradient: gradient)
    let x = Variable(
      Tensor(shape: [1, 3, 6, 5], scalars: Array(input.joined().joined())), requiresGrad: true)
    let w = Variable(
      Tensor(shape: [1, 3, 3, 2], scalars: Array(kernel.joined().joined())), requiresGrad: true)
    let geometry = Conv2DGeometry(
      batch: 1, inputChannels: 3, inputHeight: 6, inputWidth: 5, outputChannels: 1, kernelHeight: 3,
      kernelWidth: 2)
    conv2d(x, weight: w, bias: nil, settings: geometry.settings).backward(
      gradient: Tensor(shape: [1, 1, 4, 4], scalars: Array(gradient.joined())))
    assertClose(Array(e.inputGradient.joined().joined()), x.grad!.scalars)
    assertClose(Array(e.weightGradient.joined().joined()), w.grad!.scalars)
    XCTAssertTrue(e.inputGradientMatchesAutograd)
  }

  /// Max pooling routes each gradient to its window's winner: 6, 8, 3, 4 at (1,1), (1,3),
  /// (2,0), (3,3) receive 1, 2, 3, 4. Average pooling gives every cell its window's ÷ 4.
  func testPoolingBackwardRoutes() throws {
    let gradient: [[[Float]]] = [[[1, 2], [3, 4]]]
    let max = try PoolingBackwardExplanation(
      PoolingRequest(kind: .max, input: PoolingExplanationTests.input), outputGradient: gradient)
    XCTAssertEqual(max.inputGradient, [[[0, 0, 0, 0], [0, 1, 0, 2], [3, 0, 0, 0], [0, 0, 0, 4]]])
    XCTAssertTrue(max.matchesAutograd)
    XCTAssertEqual(max.routes.count, 4)
    let average = try PoolingBackwardExplanation(
      PoolingRequest(kind: .average, input: PoolingExplanationTests.input), outputGradient: gradient)
    XCTAssertEqual(
      average.inputGradient,
      [[[0.25, 0.25, 0.5, 0.5], [0.25, 0.25, 0.5, 0.5], [0.75, 0.75, 1, 1], [0.75, 0.75, 1, 1]]])
    XCTAssertTrue(average.matchesAutograd)
    XCTAssertEqual(average.routes.count, 16)
    // Overlapping windows (3×3 at stride 1) add their shares up, as autograd does.
    let overlapping = try PoolingBackwardExplanation(
      PoolingRequest(kind: .average, kernel: 3, stride: 1, input: PoolingExplanationTests.input))
    XCTAssertEqual(overlapping.inputGradient[0][1][1], 4.0 / 9, accuracy: 1e-6)
    XCTAssertTrue(overlapping.matchesAutograd)
  }

  func testGradientOfTheWrongSizeIsRejected() {
    XCTAssertThrowsError(
      try ConvolutionBackwardExplanation(
        input: [[[1, 2, 3], [4, 5, 6], [7, 8, 9]]], kernel: [[[1, 0], [0, -1]]], outputGradient: [[1, 2, 3]])
    ) { XCTAssertEqual(($0 as? ExplainError)?.field, .gradient) }
    XCTAssertThrowsError(
      try ConvolutionBackwardExplanation(input: [[[1, 2], [3, 4]]], kernel: [[[1]]], outputGradient: [])
    ) { XCTAssertEqual(($0 as? ExplainError)?.field, .gradient) }
    XCTAssertThrowsError(
      try PoolingBackwardExplanation(
        PoolingRequest(kind: .max, input: PoolingExplanationTests.input), outputGradient: [[[1, 2], [3]]])
    ) { XCTAssertEqual(($0 as? ExplainError)?.field, .gradient) }
  }
}
