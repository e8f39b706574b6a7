import ConvNetAutograd
import ConvNetKernels
import ConvNetTensor
import TestSupport
import XCTest

/// `conv2d` and `conv1d` through the shared harness: the forward (recorded and not) against the
/// reference twin, and the input, weight and bias gradients by finite differences.
final class ConvolutionGradientTests: XCTestCase {
  /// The configurations the course teaches: stride, zero padding (symmetric, asymmetric),
  /// dilation, groups and depthwise. Each row calls the functional `conv2d` with PyTorch-style
  /// arguments; its reference runs the twin on the settings those arguments mean, worked out by
  /// hand (padding "same" with a 2×4 kernel: 1 pixel in total on the height, after; 3 on the
  /// width, 1 before and 2 after).
  func testConv2d() {
    let cases: [(String, input: [Int], weight: [Int], Conv2DSettings, ([Variable]) -> Variable)] = [
      (
        "plain 3×3", [2, 2, 6, 5], [3, 2, 3, 3], Conv2DSettings(),
        { v in conv2d(v[0], weight: v[1], bias: v[2]) }
      ),
      (
        "stride 2, padding 1", [1, 2, 7, 7], [2, 2, 3, 3], Conv2DSettings(stride: 2, padding: 1),
        { v in conv2d(v[0], weight: v[1], bias: v[2], stride: 2, padding: 1) }
      ),
      (
        "dilation 2", [2, 1, 7, 6], [2, 1, 3, 3], Conv2DSettings(dilation: 2),
        { v in conv2d(v[0], weight: v[1], bias: v[2], dilation: 2) }
      ),
      (
        "groups 2", [1, 4, 5, 5], [2, 2, 3, 3], Conv2DSettings(padding: 1, groups: 2),
        { v in conv2d(v[0], weight: v[1], bias: v[2], padding: 1, groups: 2) }
      ),
      (
        "depthwise", [2, 3, 6, 6], [3, 1, 3, 3], Conv2DSettings(stride: 2, padding: 1, groups: 3),
        { v in conv2d(v[0], weight: v[1], bias: v[2], stride: 2, padding: 1, groups: 3) }
      ),
      (
        "1×1", [2, 3, 4, 4], [4, 3, 1, 1], Conv2DSettings(),
        { v in conv2d(v[0], weight: v[1], bias: v[2]) }
      ),
      (
        "padding same, even kernel (asymmetric)", [1, 2, 5, 5], [2, 2, 2, 4],
        Conv2DSettings(
          strideHeight: 1, strideWidth: 1, paddingTop: 0, paddingBottom: 1, paddingLeft: 1,
          paddingRight: 2),
        { v in conv2d(v[0], weight: v[1], bias: v[2], padding: .same) }
      ),
    ]
    for (seed, (name, inputShape, weightShape, settings, op)) in cases.enumerated() {
      checkOp(
        name,
        inputs: [
          random(inputShape, seed: UInt64(40 + seed)), random(weightShape, seed: UInt64(60 + seed)),
          random([weightShape[0]], seed: UInt64(80 + seed)),
        ],
        reference: Self.convolutionReference(settings), op)
    }
  }

  /// conv1d is conv2d over a height of 1; its reference is the 2-D twin on that view.
  func testConv1d() {
    let inputs = [random([2, 3, 9], seed: 90), random([4, 3, 3], seed: 91), random([4], seed: 92)]
    let cases: [(String, Conv2DSettings, ([Variable]) -> Variable)] = [
      (
        "stride 2 padding 1",
        Conv2DSettings(strideHeight: 1, strideWidth: 2, paddingLeft: 1, paddingRight: 1),
        { v in conv1d(v[0], weight: v[1], bias: v[2], stride: 2, padding: (1, 1)) }
      ),
      (
        "dilation 2", Conv2DSettings(strideHeight: 1, strideWidth: 1, dilationWidth: 2),
        { v in conv1d(v[0], weight: v[1], bias: v[2], dilation: 2) }
      ),
    ]
    for (name, settings, op) in cases {
      let reference = Self.convolutionReference(settings)
      checkOp(
        "conv1d \(name)", inputs: inputs,
        reference: OpReference { t in
          let (x, w) = (t[0].shape, t[1].shape)
          let y = reference.evaluate([
            t[0].reshaped([x[0], x[1], 1, x[2]]), t[1].reshaped([w[0], w[1], 1, w[2]]), t[2],
          ])
          return y.reshaped([x[0], w[0], y.shape[3]])
        }, op)
    }
  }

  /// The convolution `settings` of inputs [x, weight, bias], by the reference twin.
  static func convolutionReference(_ settings: Conv2DSettings) -> OpReference {
    OpReference { t in
      let g = Conv2DGeometry(input: t[0].shape, weight: t[1].shape, settings: settings)
      var output = [Float](repeating: .nan, count: g.outputCount)
      conv2DForwardReference(
        input: t[0].scalars, weight: t[1].scalars, bias: t[2].scalars, output: &output, geometry: g)
      return Tensor(
        shape: [g.batch, g.outputChannels, g.outputHeight, g.outputWidth], scalars: output)
    }
  }
}
