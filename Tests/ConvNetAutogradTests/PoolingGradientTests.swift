import ConvNetAutograd
import ConvNetKernels
import ConvNetTensor
import TestSupport
import XCTest

/// The pooling ops through the shared harness: max pooling (plain and fused with ReLU) against
/// the reference loop, and every pooling's gradient by finite differences. Inputs are distinct
/// values spaced 0.1 apart so that ±step never changes which element is a window's maximum.
final class PoolingGradientTests: XCTestCase {
  static let windows: [(String, Pool2DSettings)] = [
    ("2×2", Pool2DSettings(kernelSize: 2)),
    ("3×3 stride 2 padding 1", Pool2DSettings(kernelSize: 3, stride: 2, padding: 1)),
    ("2×2 ceil mode", Pool2DSettings(kernelSize: 2, ceilMode: true)),
    ("3×3 stride 1 (overlapping)", Pool2DSettings(kernelSize: 3, stride: 1)),
  ]

  /// Centred on 0 so that the fused ReLU keeps some windows and zeroes others.
  let x = distinctValues([2, 2, 7, 7], seed: 100, offset: -2.45)

  func testMaxPool2d() {
    for (name, settings) in Self.windows {
      checkOp("max pool \(name)", inputs: [x], reference: Self.maxPoolReference(settings)) {
        maxPool2d($0[0], settings: settings)
      }
      checkOp(
        "relu → max pool \(name)", inputs: [x],
        reference: Self.maxPoolReference(settings, applyingReLU: true)
      ) { reluMaxPool2d($0[0], settings: settings) }
    }
  }

  /// Inference (no gradients recorded, or an input that needs none) takes the values-only
  /// kernel, which computes no argmax indices: the same values as the reference, and no node.
  func testMaxPool2dWithoutGradientsMatchesReference() {
    for (name, settings) in Self.windows {
      for relu in [false, true] {
        let expected = Self.maxPoolReference(settings, applyingReLU: relu).evaluate([x])
        let pool = { (input: Variable) in
          relu ? reluMaxPool2d(input, settings: settings) : maxPool2d(input, settings: settings)
        }
        let unrecorded = withoutGradients { pool(Variable(x, requiresGrad: true)) }
        let constant = pool(Variable(x))
        for (label, output) in [("withoutGradients", unrecorded), ("constant input", constant)] {
          XCTAssertFalse(output.requiresGrad, "\(name) relu \(relu) \(label)")
          XCTAssertEqual(output.shape, expected.shape, "\(name) relu \(relu) \(label)")
          XCTAssertEqual(
            output.value.scalars, expected.scalars, "\(name) relu \(relu) \(label)")
        }
      }
    }
  }

  /// The keyword form (PyTorch's `max_pool2d(x, kernel_size, stride, padding, ceil_mode)`)
  /// means the same settings.
  func testMaxPool2dKeywordForm() {
    checkOp(
      "max pool 3×3 stride 2 padding 1, keywords", inputs: [x],
      reference: Self.maxPoolReference(Self.windows[1].1)
    ) { maxPool2d($0[0], kernelSize: 3, stride: 2, padding: 1) }
  }

  func testAvgPool2d() {
    for (name, settings) in Self.windows {
      checkOp("avg pool \(name)", inputs: [x]) { avgPool2d($0[0], settings: settings) }
      checkOp("avg pool \(name), padding excluded", inputs: [x]) {
        avgPool2d($0[0], settings: settings, countIncludePad: false)
      }
    }
  }

  func testAdaptiveAvgPool2d() {
    checkOp("adaptive 7→3", inputs: [x]) { adaptiveAvgPool2d($0[0], outputHeight: 3, outputWidth: 3) }
    checkOp("global", inputs: [x]) { adaptiveAvgPool2d($0[0], outputHeight: 1, outputWidth: 1) }
  }

  /// Max pooling with `settings` by the reference loop (`maxPool2DForwardReference`).
  static func maxPoolReference(_ settings: Pool2DSettings, applyingReLU: Bool = false)
    -> OpReference
  {
    OpReference { t in
      let g = Pool2DGeometry(input: t[0].shape, settings: settings)
      var output = [Float](repeating: .nan, count: g.outputCount)
      var indices = [Int32](repeating: -1, count: g.outputCount)
      maxPool2DForwardReference(
        input: t[0].scalars, output: &output, indices: &indices, geometry: g,
        applyingReLU: applyingReLU)
      return Tensor(shape: [g.batch, g.channels, g.outputHeight, g.outputWidth], scalars: output)
    }
  }
}

/// A random permutation of offset, offset + 0.1, offset + 0.2, … shaped `shape`.
private func distinctValues(_ shape: [Int], seed: UInt64, offset: Float) -> Tensor {
  var generator = SeededGenerator(seed: seed)
  let count = Tensor.elementCount(of: shape)
  let values = (0..<count).map { offset + Float($0) * 0.1 }.shuffled(using: &generator)
  return Tensor(shape: shape, scalars: values)
}
