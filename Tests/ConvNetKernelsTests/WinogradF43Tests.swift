import ConvNetKernels
import TestSupport
import XCTest

/// Winograd F(4×4, 3×3) (prepared inference only) against the reference twin. Its transforms
/// scale values by up to 8 and 1/24, so in float32 it is not within a fixed 1e-4 of the direct sum
/// the way the other kernels are: its error grows with the size of the terms summed. Each output
/// is held to `errorBound`: 1e-5 of Σ |x|·|w| (plus |bias|) at that pixel — about 10× what the
/// transforms' rounding gives (1–2e-6 measured), and far below what a wrong tap, tile or channel
/// gives (the size of a whole term, ~1e-2 of the sum and more).
final class WinogradF43Tests: XCTestCase {
  /// Where the error bound stands relative to Σ |x|·|w|.
  static let relativeBound: Float = 1e-5

  /// `relativeBound` · (|input| ⋆ |weight| + |bias|) + 1e-6, per output pixel.
  static func errorBound(
    input: [Float], weight: [Float], bias: [Float]?, geometry g: Conv2DGeometry
  ) -> [Float] {
    var magnitude = [Float](repeating: 0, count: g.outputCount)
    conv2DForwardReference(
      input: input.map(abs), weight: weight.map(abs), bias: bias?.map(abs), output: &magnitude,
      geometry: g)
    return magnitude.map { relativeBound * $0 + 1e-6 }
  }

  /// Fails with the worst offender when some |actual − expected| exceeds its bound.
  static func assertWithinBound(
    _ actual: [Float], _ expected: [Float], _ bound: [Float], _ label: String,
    file: StaticString = #filePath, line: UInt = #line
  ) {
    XCTAssertEqual(actual.count, expected.count, label, file: file, line: line)
    var worst: (index: Int, ratio: Float)? = nil
    for i in expected.indices {
      let ratio = abs(actual[i] - expected[i]) / bound[i]
      if !(ratio <= 1), worst == nil || ratio > worst!.ratio || ratio.isNaN {
        worst = (i, ratio.isNaN ? .infinity : ratio)
      }
    }
    if let worst {
      XCTFail(
        "[\(worst.index)] \(actual[worst.index]) vs \(expected[worst.index]): \(worst.ratio)× the bound \(bound[worst.index]) \(label)",
        file: file, line: line)
    }
  }

  /// Geometries beyond `Conv2DTests.cases`' Winograd rows: both ways of sharing the work between
  /// threads (`convolveInSteps` below 128 tiles, blocks above), ResNet-like 56×56 rows of 14
  /// tiles, a tile row cut into pieces (> 64 tiles), outputs whose sides are not multiples of 4,
  /// one tile only, asymmetric padding.
  static let geometries: [Conv2DGeometry] =
    Conv2DTests.cases.map(\.geometry).filter(winogradApplies) + [
      Conv2DGeometry(
        batch: 1, inputChannels: 16, inputHeight: 56, inputWidth: 56, outputChannels: 24,
        kernelSize: 3, padding: 1),
      Conv2DGeometry(
        batch: 2, inputChannels: 32, inputHeight: 30, inputWidth: 30, outputChannels: 16,
        kernelSize: 3, padding: 1),
      Conv2DGeometry(
        batch: 1, inputChannels: 16, inputHeight: 3, inputWidth: 290, outputChannels: 17,
        kernelSize: 3, padding: 1),
      Conv2DGeometry(
        batch: 3, inputChannels: 19, inputHeight: 4, inputWidth: 4, outputChannels: 16,
        kernelSize: 3, padding: 1),
      Conv2DGeometry(
        batch: 2, inputChannels: 16, inputHeight: 9, inputWidth: 13, outputChannels: 20,
        kernelHeight: 3, kernelWidth: 3, paddingTop: 2, paddingBottom: 0, paddingLeft: 1,
        paddingRight: 2),
    ]

  func testForwardMatchesReferenceWithinErrorBound() {
    forEachSIMDLevel { level in
      var generator = SeededGenerator(seed: 43)
      for g in Self.geometries {
        let input = randomValues(g.inputCount, &generator)
        let weight = randomValues(g.weightCount, &generator)
        let bias = randomValues(g.outputChannels, &generator)
        for withBias in [true, false] {
          let b = withBias ? bias : nil
          var expected = [Float](repeating: .nan, count: g.outputCount)
          conv2DForwardReference(input: input, weight: weight, bias: b, output: &expected, geometry: g)
          var actual = [Float](repeating: .nan, count: g.outputCount)
          b.withOptionalPointer { bias in
            winogradF43Conv2DForward(
              input: input, weight: weight, bias: bias, output: &actual, geometry: g)
          }
          Self.assertWithinBound(
            actual, expected, Self.errorBound(input: input, weight: weight, bias: b, geometry: g),
            "\(g) bias \(withBias) simd \(level)")
        }
      }
    }
  }

  /// The bound is tight enough to catch a wrong answer: the same output with one tap of the
  /// weight changed by 1 % of its size fails it.
  func testBoundRejectsAPerturbedWeight() {
    var generator = SeededGenerator(seed: 5)
    let g = Self.geometries[0]
    let input = randomValues(g.inputCount, &generator)
    var weight = randomValues(g.weightCount, &generator)
    var expected = [Float](repeating: .nan, count: g.outputCount)
    conv2DForwardReference(input: input, weight: weight, bias: nil, output: &expected, geometry: g)
    let bound = Self.errorBound(input: input, weight: weight, bias: nil, geometry: g)
    weight[4] += 0.01 * (weight[4] < 0 ? -1 : 1)
    var perturbed = [Float](repeating: .nan, count: g.outputCount)
    conv2DForwardReference(input: input, weight: weight, bias: nil, output: &perturbed, geometry: g)
    let exceeded = expected.indices.filter { abs(perturbed[$0] - expected[$0]) > bound[$0] }
    XCTAssertGreaterThan(exceeded.count, g.outputCount / (2 * g.outputChannels))
  }
}

extension Optional where Wrapped == [Float] {
  /// Runs `body` with a pointer to the array's elements, or nil.
  func withOptionalPointer<R>(_ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let array = self else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress!) }
  }
}
