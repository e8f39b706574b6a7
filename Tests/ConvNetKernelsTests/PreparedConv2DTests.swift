import ConvNetKernels
import TestSupport
import XCTest

/// `PreparedConv2D` (the weight prepared once, the epilogue fused) against the reference twin
/// followed by the epilogue written out: every geometry of `Conv2DTests` (so every forward
/// algorithm), with and without bias and residual, each activation, at every SIMD level; and
/// a second call on the prepared form gives the same bits as the first.
final class PreparedConv2DTests: XCTestCase {
  /// The epilogue as the kernels define it: activation(value + residual), PyTorch's formulas.
  static func activate(_ value: Float, _ activation: FusedActivation) -> Float {
    switch activation {
    case .none: value
    case .relu: value < 0 ? 0 : value
    case .relu6: min(max(value, 0), 6)
    case .hardswish: value * min(max(value + 3, 0), 6) / 6
    }
  }

  func testPreparedForwardMatchesReferenceWithEpilogue() {
    forEachSIMDLevel { level in
      var generator = SeededGenerator(seed: 7)
      for row in Conv2DTests.cases {
        let g = row.geometry
        // Values up to ±4, so that ReLU6's upper clamp and hardswish's both kinks are reached.
        let input = (0..<g.inputCount).map { _ in Float.random(in: -2...2, using: &generator) }
        let weight = (0..<g.weightCount).map { _ in Float.random(in: -1...1, using: &generator) }
        let bias = (0..<g.outputChannels).map { _ in Float.random(in: -1...1, using: &generator) }
        let residual = (0..<g.outputCount).map { _ in Float.random(in: -3...3, using: &generator) }
        let weightShape = [
          g.outputChannels, g.inputChannels / g.groups, g.kernelHeight, g.kernelWidth,
        ]
        let f43Bound = { (withBias: Bool) in
          WinogradF43Tests.errorBound(
            input: input, weight: weight, bias: withBias ? bias : nil, geometry: g)
        }
        for withBias in [true, false] {
          var convolution = [Float](repeating: .nan, count: g.outputCount)
          conv2DForwardReference(
            input: input, weight: weight, bias: withBias ? bias : nil, output: &convolution,
            geometry: g)
          let prepared = weight.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
              PreparedConv2D(
                weight: w.baseAddress!, weightShape: weightShape,
                bias: withBias ? b.baseAddress! : nil, settings: g.settings)
            }
          }
          XCTAssertEqual(prepared.geometry(input: [g.batch, g.inputChannels, g.inputHeight, g.inputWidth]), g)
          for activation in FusedActivation.allCases {
            for withResidual in [false, true] {
              let expected = (0..<g.outputCount).map { i in
                Self.activate(convolution[i] + (withResidual ? residual[i] : 0), activation)
              }
              var first = [Float](repeating: .nan, count: g.outputCount)
              var second = [Float](repeating: .nan, count: g.outputCount)
              for target in [0, 1] {
                var output = [Float](repeating: .nan, count: g.outputCount)
                residual.withUnsafeBufferPointer { r in
                  prepared.forward(
                    input: input, output: &output, geometry: g,
                    residual: withResidual ? r.baseAddress! : nil, activation: activation)
                }
                if target == 0 { first = output } else { second = output }
              }
              let algorithm = Conv2DPlan(g, preparedWeight: true).forward
              let label =
                "\(g) \(algorithm) bias \(withBias) residual \(withResidual) \(activation) simd \(level)"
              if algorithm == .winogradF43 {
                // Its own error bound (see WinogradF43Tests); the epilogue does not widen it.
                WinogradF43Tests.assertWithinBound(first, expected, f43Bound(withBias), label)
              } else {
                assertClose(first, expected, absoluteTolerance: 1e-4, relativeTolerance: 1e-4, label)
              }
              XCTAssertEqual(
                first.map(\.bitPattern), second.map(\.bitPattern), "second call differs: \(label)")
            }
          }
        }
      }
    }
  }

  /// With a prepared weight, Winograd takes smaller batches than the per-call plan: ResNet's
  /// 14×14 layers at batch 1 (16 4×4 tiles) run F(4×4, 3×3), which the per-call plan leaves to
  /// the implicit GEMM; layers wider than 256 × 256 channels keep F(2×2, 3×3) from 36 2×2 tiles
  /// (their F(4×4, 3×3) weight would be too large to keep); 7×7 (4 4×4 tiles, 16 2×2 ones)
  /// takes F(2×2, 3×3), each step shared between the threads. Each result matches the reference
  /// with the epilogue.
  func testPreparedWeightMovesSmallBatchesToWinograd() {
    let fourteen = Conv2DGeometry(
      batch: 1, inputChannels: 24, inputHeight: 14, inputWidth: 14, outputChannels: 20,
      kernelSize: 3, padding: 1)
    XCTAssertEqual(Conv2DPlan(fourteen).forward, .implicitGEMM)
    XCTAssertEqual(Conv2DPlan(fourteen, preparedWeight: true).forward, .winogradF43)
    XCTAssertEqual(Conv2DPlan(fourteen, preparedWeight: true).inputGradient, .im2colGEMM)
    let wide = Conv2DGeometry(
      batch: 1, inputChannels: 264, inputHeight: 14, inputWidth: 14, outputChannels: 250,
      kernelSize: 3, padding: 1)
    XCTAssertEqual(Conv2DPlan(wide).forward, .implicitGEMM)
    XCTAssertEqual(Conv2DPlan(wide, preparedWeight: true).forward, .winograd)
    let seven = Conv2DGeometry(
      batch: 1, inputChannels: 24, inputHeight: 7, inputWidth: 7, outputChannels: 20,
      kernelSize: 3, padding: 1)
    XCTAssertEqual(Conv2DPlan(seven).forward, .implicitGEMM)
    XCTAssertEqual(Conv2DPlan(seven, preparedWeight: true).forward, .winograd)
    forEachSIMDLevel { level in
      var generator = SeededGenerator(seed: 11)
      for g in [fourteen, wide, seven] {
        let input = (0..<g.inputCount).map { _ in Float.random(in: -2...2, using: &generator) }
        let weight = (0..<g.weightCount).map { _ in Float.random(in: -1...1, using: &generator) }
        let bias = (0..<g.outputChannels).map { _ in Float.random(in: -1...1, using: &generator) }
        let residual = (0..<g.outputCount).map { _ in Float.random(in: -3...3, using: &generator) }
        var convolution = [Float](repeating: .nan, count: g.outputCount)
        conv2DForwardReference(
          input: input, weight: weight, bias: bias, output: &convolution, geometry: g)
        let prepared = weight.withUnsafeBufferPointer { w in
          bias.withUnsafeBufferPointer { b in
            PreparedConv2D(
              weight: w.baseAddress!, weightShape: [g.outputChannels, g.inputChannels, 3, 3],
              bias: b.baseAddress!, settings: g.settings)
          }
        }
        var output = [Float](repeating: .nan, count: g.outputCount)
        residual.withUnsafeBufferPointer { r in
          prepared.forward(
            input: input, output: &output, geometry: g, residual: r.baseAddress!, activation: .relu)
        }
        let expected = (0..<g.outputCount).map { i in
          Self.activate(convolution[i] + residual[i], .relu)
        }
        let label = "\(g.inputHeight)×\(g.inputWidth) \(g.inputChannels) channels simd \(level)"
        if g == fourteen {
          WinogradF43Tests.assertWithinBound(
            output, expected,
            WinogradF43Tests.errorBound(input: input, weight: weight, bias: bias, geometry: g), label)
        } else {
          // 2,376 terms of up to 2 each: 1e-4 of the largest partial sums, as for im2col.
          assertClose(output, expected, absoluteTolerance: 2e-3, relativeTolerance: 1e-4, label)
        }
      }
    }
  }
}
