import ConvNetKernels
import ConvNetTensor
import TestSupport
import XCTest

/// The batch-norm kernels against their reference twins, training and evaluation, with and
/// without γ/β, every output starting as NaN.
final class BatchNorm2DTests: XCTestCase {
  /// Planes of 1 ([N, C]), 5 (shorter than one 8-lane vector), 8, 17 (two vectors and a tail)
  /// and 64 values; batches 2–5; one channel up to 7.
  static let cases: [(layout: BatchNormLayout, training: Bool, affine: Bool, seed: UInt64)] = [
    (BatchNormLayout(batch: 4, channels: 3, spatial: 1), true, true, 1),
    (BatchNormLayout(batch: 4, channels: 3, spatial: 1), false, true, 2),
    (BatchNormLayout(batch: 2, channels: 3, spatial: 5), true, true, 3),
    (BatchNormLayout(batch: 3, channels: 2, spatial: 8), true, false, 4),
    (BatchNormLayout(batch: 3, channels: 2, spatial: 8), false, false, 5),
    (BatchNormLayout(batch: 5, channels: 7, spatial: 17), true, true, 6),
    (BatchNormLayout(batch: 5, channels: 7, spatial: 17), false, true, 7),
    (BatchNormLayout(batch: 2, channels: 1, spatial: 64), true, true, 8),
  ]

  func testFastKernelsMatchReferenceTwins() {
    for (layout, training, affine, seed) in Self.cases {
      let c = layout.channels
      // An offset mean (2) so that Σx² − μ² (fast) and Σ(x − μ)² (twin) are really compared.
      let input = random([layout.count], seed: seed).scalars.map { $0 + 2 }
      let gradOutput = random([layout.count], seed: seed + 100).scalars
      let gamma = affine ? random([c], seed: seed + 200) : nil
      let beta = affine ? random([c], seed: seed + 300) : nil
      let weight = gamma.map { UnsafePointer($0.storage.pointer) }
      let bias = beta.map { UnsafePointer($0.storage.pointer) }
      let runningMean = random([c], seed: seed + 400).scalars
      let runningVariance = random([c], seed: seed + 500).scalars.map { $0 + 1.5 }
      // The saved statistics the backward reads: from the reference forward.
      var savedMean = [Float](repeating: .nan, count: c)
      var savedInverseStd = savedMean
      var (meanCopy, varianceCopy) = (runningMean, runningVariance)
      var scratch = [Float](repeating: .nan, count: layout.count)
      batchNorm2DForwardReference(
        input: input, weight: weight, bias: bias, runningMean: &meanCopy,
        runningVariance: &varianceCopy, savedMean: &savedMean, savedInverseStd: &savedInverseStd,
        output: &scratch, training: training, momentum: 0.1, epsilon: 1e-5, layout: layout)

      func forward(
        _ kernel:
          @escaping (
            _ input: UnsafePointer<Float>, _ weight: UnsafePointer<Float>?, _ bias: UnsafePointer<Float>?,
            _ runningMean: UnsafeMutablePointer<Float>, _ runningVariance: UnsafeMutablePointer<Float>,
            _ savedMean: UnsafeMutablePointer<Float>, _ savedInverseStd: UnsafeMutablePointer<Float>,
            _ output: UnsafeMutablePointer<Float>, _ training: Bool, _ momentum: Float,
            _ epsilon: Float, _ layout: BatchNormLayout
          ) -> Void
      ) -> ([UnsafeMutablePointer<Float>]) -> Void {
        { out in
          withExtendedLifetime((gamma, beta)) {
            kernel(input, weight, bias, out[0], out[1], out[2], out[3], out[4], training, 0.1, 1e-5, layout)
          }
        }
      }
      func backward(
        withGradInput: Bool,
        _ kernel:
          @escaping (
            _ gradOutput: UnsafePointer<Float>, _ input: UnsafePointer<Float>,
            _ savedMean: UnsafePointer<Float>, _ savedInverseStd: UnsafePointer<Float>,
            _ weight: UnsafePointer<Float>?, _ gradInput: UnsafeMutablePointer<Float>?,
            _ gradWeight: UnsafeMutablePointer<Float>?, _ gradBias: UnsafeMutablePointer<Float>?,
            _ training: Bool, _ layout: BatchNormLayout
          ) -> Void
      ) -> ([UnsafeMutablePointer<Float>]) -> Void {
        { out in
          withExtendedLifetime(gamma) {
            kernel(
              gradOutput, input, savedMean, savedInverseStd, weight, withGradInput ? out[2] : nil,
              out[0], out[1], training, layout)
          }
        }
      }
      let parameterGradients: [KernelBuffer] = [
        .output("gradWeight", count: c), .output("gradBias", count: c),
      ]
      checkOp(
        "\(layout) training \(training) affine \(affine)",
        kernels: [
          KernelPass(
            "forward",
            buffers: [
              .updated("running mean", from: runningMean),
              .updated("running variance", from: runningVariance),
              .output("saved mean", count: c), .output("saved inverse std", count: c),
              .output("output", count: layout.count),
            ],
            fast: forward(batchNorm2DForward), reference: forward(batchNorm2DForwardReference)),
          KernelPass(
            "backward", buffers: parameterGradients + [.output("gradInput", count: layout.count)],
            fast: backward(withGradInput: true, batchNorm2DBackward),
            reference: backward(withGradInput: true, batchNorm2DBackwardReference)),
          KernelPass(
            "backward without gradInput", buffers: parameterGradients,
            fast: backward(withGradInput: false, batchNorm2DBackward),
            reference: backward(withGradInput: false, batchNorm2DBackwardReference)),
        ])
    }
  }

  /// One channel, values 1, 2, 3, 4 (batch 4, one value each): mean 2.5, biased variance 1.25,
  /// unbiased 5/3. The running statistics start at 0 and 1 and move by momentum 0.1:
  /// 0.9·0 + 0.1·2.5 = 0.25 and 0.9·1 + 0.1·5/3; y = (x − 2.5)/√(1.25 + ε). Both kernels.
  func testTrainingStatisticsByHand() {
    let layout = BatchNormLayout(batch: 4, channels: 1, spatial: 1)
    for useReference in [false, true] {
      var runningMean: [Float] = [0]
      var runningVariance: [Float] = [1]
      var savedMean: [Float] = [.nan]
      var savedInverseStd: [Float] = [.nan]
      var output = [Float](repeating: .nan, count: 4)
      let kernel = useReference ? batchNorm2DForwardReference : batchNorm2DForward
      kernel(
        [1, 2, 3, 4], nil, nil, &runningMean, &runningVariance, &savedMean, &savedInverseStd,
        &output, true, 0.1, 1e-5, layout)
      let inverseStd = 1 / (1.25 + 1e-5 as Float).squareRoot()
      XCTAssertEqual(runningMean[0], 0.25, accuracy: 1e-6)
      XCTAssertEqual(runningVariance[0], 0.9 + 0.1 * 5 / 3, accuracy: 1e-6)
      XCTAssertEqual(savedMean[0], 2.5, accuracy: 1e-6)
      XCTAssertEqual(savedInverseStd[0], inverseStd, accuracy: 1e-6)
      assertClose(output, [-1.5, -0.5, 0.5, 1.5].map { $0 * inverseStd }, "reference \(useReference)")
    }
  }
}
