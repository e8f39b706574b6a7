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
              let label =
                "\(g) \(Conv2DPlan(g, preparedWeight: true).forward) bias \(withBias) residual \(withResidual) \(activation) simd \(level)"
              assertClose(first, expected, absoluteTolerance: 1e-4, relativeTolerance: 1e-4, label)
              XCTAssertEqual(
                first.map(\.bitPattern), second.map(\.bitPattern), "second call differs: \(label)")
            }
          }
        }
      }
    }
  }

  /// ResNet's 14×14 layers at batch 1 (49 tiles): the prepared path takes Winograd, which the
  /// per-call plan leaves to the implicit GEMM (the weight transform would not pay), and the
  /// result matches the reference with the epilogue; 7×7 (16 tiles) stays with the GEMM.
  func testPreparedWeightMovesSmallBatchesToWinograd() {
    let fourteen = Conv2DGeometry(
      batch: 1, inputChannels: 24, inputHeight: 14, inputWidth: 14, outputChannels: 20,
      kernelSize: 3, padding: 1)
    XCTAssertEqual(Conv2DPlan(fourteen).forward, .implicitGEMM)
    XCTAssertEqual(Conv2DPlan(fourteen, preparedWeight: true).forward, .winograd)
    XCTAssertEqual(Conv2DPlan(fourteen, preparedWeight: true).inputGradient, .im2colGEMM)
    let seven = Conv2DGeometry(
      batch: 1, inputChannels: 24, inputHeight: 7, inputWidth: 7, outputChannels: 20,
      kernelSize: 3, padding: 1)
    XCTAssertEqual(Conv2DPlan(seven, preparedWeight: true).forward, .implicitGEMM)
    forEachSIMDLevel { level in
      var generator = SeededGenerator(seed: 11)
      let g = fourteen
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
      assertClose(
        output, expected, absoluteTolerance: 1e-4, relativeTolerance: 1e-4, "14×14 simd \(level)")
    }
  }
}
