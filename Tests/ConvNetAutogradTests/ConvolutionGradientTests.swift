import ConvNetAutograd
import ConvNetKernels
import ConvNetTensor
import TestSupport
import XCTest

final class ConvolutionGradientTests: XCTestCase {
  /// conv2d's input, weight and bias gradients by finite differences, over the configurations
  /// the course teaches: stride, zero padding (symmetric, asymmetric), dilation, groups and
  /// depthwise.
  func testConv2dGradients() {
    let configurations: [(String, Conv2DGeometry, [Int])] = [
      ("plain 3×3", geometry(cin: 2, cout: 3, k: 3), [2, 2, 6, 5]),
      ("stride 2, padding 1", geometry(cin: 2, cout: 2, k: 3, stride: 2, padding: 1), [1, 2, 7, 7]),
      ("dilation 2", geometry(cin: 1, cout: 2, k: 3, dilation: 2), [2, 1, 7, 6]),
      ("groups 2", geometry(cin: 4, cout: 2, k: 3, padding: 1, groups: 2), [1, 4, 5, 5]),
      ("depthwise", geometry(cin: 3, cout: 3, k: 3, stride: 2, padding: 1, groups: 3), [2, 3, 6, 6]),
      ("1×1", geometry(cin: 3, cout: 4, k: 1), [2, 3, 4, 4]),
      (
        "asymmetric padding (same, even kernel)",
        Conv2DGeometry(
          batch: 1, inputChannels: 2, inputHeight: 1, inputWidth: 1, outputChannels: 2,
          kernelHeight: 2, kernelWidth: 4, paddingTop: 0, paddingBottom: 1, paddingLeft: 1,
          paddingRight: 2), [1, 2, 5, 5]
      ),
    ]
    for (seed, (name, template, inputShape)) in configurations.enumerated() {
      let weightShape = [
        template.outputChannels, template.inputChannels / template.groups, template.kernelHeight,
        template.kernelWidth,
      ]
      let inputs = [
        random(inputShape, seed: UInt64(40 + seed)), random(weightShape, seed: UInt64(60 + seed)),
        random([template.outputChannels], seed: UInt64(80 + seed)),
      ]
      checkGradients(inputs, name) { v in conv2d(v[0], weight: v[1], bias: v[2], geometry: template) }
    }
  }

  func testConv1dGradients() {
    let inputs = [random([2, 3, 9], seed: 90), random([4, 3, 3], seed: 91), random([4], seed: 92)]
    checkGradients(inputs, "conv1d stride 2 padding 1") { v in
      conv1d(v[0], weight: v[1], bias: v[2], stride: 2, padding: (1, 1))
    }
    checkGradients(inputs, "conv1d dilation 2") { v in
      conv1d(v[0], weight: v[1], bias: v[2], dilation: 2)
    }
  }

  /// Pooling gradients; inputs are distinct values spaced 0.1 apart so that ±step never
  /// changes which element is a window's maximum.
  func testPoolingGradients() {
    let pools: [(String, Pool2DGeometry)] = [
      ("2×2", pool(k: 2)),
      ("3×3 stride 2 padding 1", pool(k: 3, stride: 2, padding: 1)),
      ("2×2 ceil mode", pool(k: 2, ceil: true)),
      ("3×3 stride 1 (overlapping)", pool(k: 3, stride: 1)),
    ]
    let x = distinctValues([2, 2, 7, 7], seed: 100)
    for (name, geometry) in pools {
      checkGradients([x], step: 1e-2, "max pool \(name)") { maxPool2d($0[0], geometry: geometry) }
      checkGradients([x], "avg pool \(name)") { avgPool2d($0[0], geometry: geometry) }
      checkGradients([x], "avg pool \(name), padding excluded") {
        avgPool2d($0[0], geometry: geometry, countIncludePad: false)
      }
    }
    checkGradients([x], "adaptive 7→3") { adaptiveAvgPool2d($0[0], outputHeight: 3, outputWidth: 3) }
    checkGradients([x], "global") { adaptiveAvgPool2d($0[0], outputHeight: 1, outputWidth: 1) }
  }

  private func geometry(
    cin: Int, cout: Int, k: Int, stride: Int = 1, padding: Int = 0, dilation: Int = 1, groups: Int = 1
  ) -> Conv2DGeometry {
    Conv2DGeometry(
      batch: 1, inputChannels: cin, inputHeight: 1, inputWidth: 1, outputChannels: cout,
      kernelSize: k, stride: stride, padding: padding, dilation: dilation, groups: groups)
  }

  private func pool(k: Int, stride: Int? = nil, padding: Int = 0, ceil: Bool = false) -> Pool2DGeometry {
    Pool2DGeometry(
      batch: 1, channels: 1, inputHeight: 1, inputWidth: 1, kernelSize: k, stride: stride,
      padding: padding, ceilMode: ceil)
  }

  /// A random permutation of 0, 0.1, 0.2, … shaped `shape`.
  private func distinctValues(_ shape: [Int], seed: UInt64) -> Tensor {
    var generator = SeededGenerator(seed: seed)
    let count = Tensor.elementCount(of: shape)
    let values = (0..<count).map { Float($0) * 0.1 }.shuffled(using: &generator)
    return Tensor(shape: shape, scalars: values)
  }
}
