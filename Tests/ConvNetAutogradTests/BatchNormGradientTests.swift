import ConvNetAutograd
import ConvNetKernels
import ConvNetTensor
import TestSupport
import XCTest

/// `batchNorm`: forward against the reference twin, backward against finite differences, in
/// training (batch statistics) and evaluation (running statistics), with and without γ/β.
final class BatchNormGradientTests: XCTestCase {
  static let cases: [(shape: [Int], training: Bool, affine: Bool, seed: UInt64)] = [
    ([4, 3], true, true, 20), ([4, 3], false, true, 23),
    ([2, 3, 5], true, true, 26), ([2, 3, 5], false, true, 29),
    ([3, 2, 3, 3], true, true, 32), ([3, 2, 3, 3], false, true, 35),
    ([3, 2, 3, 3], true, false, 38), ([2, 4, 3, 5], false, false, 41),
  ]

  func testBatchNorm() {
    for (shape, training, affine, seed) in Self.cases {
      let channels = shape[1]
      let inputs =
        [random(shape, seed: seed)]
        + (affine ? [random([channels], seed: seed + 1), random([channels], seed: seed + 2)] : [])
      // Evaluation reads running statistics that are not the batch's own.
      func statistics() -> BatchNormStatistics {
        var statistics = BatchNormStatistics(channels: channels)
        if !training {
          statistics.runningMean = Tensor(shape: [channels], repeating: 0.3)
          statistics.runningVariance = Tensor(shape: [channels], repeating: 2)
        }
        return statistics
      }
      checkOp(
        "\(shape) training \(training) affine \(affine)", inputs: inputs,
        reference: OpReference { t in
          var running = statistics()
          let layout = BatchNormLayout(shape: shape)
          var mean = [Float](repeating: .nan, count: channels)
          var inverseStd = mean
          var output = Tensor(shape: shape, repeating: .nan)
          output.withUnsafeMutableBufferPointer { output in
            running.runningMean.withUnsafeMutableBufferPointer { runningMean in
              running.runningVariance.withUnsafeMutableBufferPointer { runningVariance in
                batchNorm2DForwardReference(
                  input: t[0].storage.pointer, weight: affine ? t[1].storage.pointer : nil,
                  bias: affine ? t[2].storage.pointer : nil, runningMean: runningMean.baseAddress!,
                  runningVariance: runningVariance.baseAddress!, savedMean: &mean,
                  savedInverseStd: &inverseStd, output: output.baseAddress!, training: training,
                  momentum: 0.1, epsilon: 1e-5, layout: layout)
              }
            }
          }
          return output
        },
        gradients: FiniteDifferences(tolerance: 1e-3)
      ) { v in
        var running = statistics()
        return batchNorm(
          v[0], weight: affine ? v[1] : nil, bias: affine ? v[2] : nil, statistics: &running,
          training: training)
      }
    }
  }

  func testRunningStatisticsByHand() {
    // One channel, values 1, 2, 3, 4: mean 2.5, biased variance 1.25, unbiased 5/3.
    let x = Variable(Tensor(shape: [4, 1], scalars: [1, 2, 3, 4]))
    var statistics = BatchNormStatistics(channels: 1)
    let y = batchNorm(x, weight: nil, bias: nil, statistics: &statistics, training: true)
    XCTAssertEqual(statistics.runningMean.scalar, 0.25, accuracy: 1e-6)  // 0.9·0 + 0.1·2.5
    XCTAssertEqual(statistics.runningVariance.scalar, 0.9 + 0.1 * 5 / 3, accuracy: 1e-6)
    XCTAssertEqual(statistics.batchesTracked, 1)
    let inverseStd = 1 / (1.25 + 1e-5 as Float).squareRoot()
    XCTAssertEqual(y.value.scalars[0], -1.5 * inverseStd, accuracy: 1e-5)
    XCTAssertEqual(y.value.scalars[3], 1.5 * inverseStd, accuracy: 1e-5)
  }

  /// Evaluation leaves the running statistics and the batch count alone.
  func testEvaluationDoesNotUpdateStatistics() {
    var statistics = BatchNormStatistics(channels: 2)
    statistics.runningMean = Tensor(shape: [2], scalars: [0.5, -1])
    let before = statistics.runningMean.scalars
    _ = batchNorm(
      Variable(random([3, 2, 4], seed: 50)), weight: nil, bias: nil, statistics: &statistics,
      training: false)
    XCTAssertEqual(statistics.runningMean.scalars, before)
    XCTAssertEqual(statistics.runningVariance.scalars, [1, 1])
    XCTAssertEqual(statistics.batchesTracked, 0)
  }
}
