import ConvNetAutograd
import ConvNetTensor
import TestSupport
import XCTest

/// Sync batch norm without MPI: process A's batch norm runs with a reducer that adds what a
/// process B holding the rest of the batch would contribute (worked out here in Double from B's
/// data); A's output, input gradient and running statistics must be those of one batch norm over
/// the whole batch, and its γ/β gradients A's own share of the whole batch's.
final class BatchNormSynchronizationTests: XCTestCase {
  /// Adds process B's sums: [Σx, Σx², count] in the forward pass, [Σdy, Σdy·x̂] in the backward.
  final class PeerSums: BatchNormStatisticsReducer {
    let forward: [Double]
    let backward: [Double]
    var calls = 0

    init(forward: [Double], backward: [Double]) {
      self.forward = forward
      self.backward = backward
    }

    func sumAcrossProcesses(_ values: inout [Double]) {
      calls += 1
      let peer = values.count == forward.count ? forward : backward
      XCTAssertEqual(values.count, peer.count)
      for i in values.indices { values[i] += peer[i] }
    }
  }

  func testProcessAWithPeerSumsIsTheWholeBatch() {
    let (channels, spatial, epsilon, momentum) = (3, 4, Float(1e-5), Float(0.1))
    let wholeCount = 6
    let shape = [wholeCount, channels, 2, 2]
    let elements = shape.reduce(1, *)
    let x = Tensor(
      shape: shape, scalars: (0..<elements).map { Float(sin(Double($0) * 1.7) * 2 + Double($0 % 5)) })
    let dy = Tensor(shape: shape, scalars: (0..<elements).map { Float(cos(Double($0) * 0.9)) })
    let gamma = Tensor(shape: [channels], scalars: [1.5, 0.5, -1])
    let beta = Tensor(shape: [channels], scalars: [0.1, 0.2, 0.3])
    func rows(_ t: Tensor, _ range: Range<Int>) -> Tensor {
      let size = channels * spatial
      return Tensor(
        shape: [range.count, channels, 2, 2],
        scalars: Array(t.scalars[(range.lowerBound * size)..<(range.upperBound * size)]))
    }

    // One process, the whole batch.
    let wholeInput = Variable(x, requiresGrad: true)
    var wholeStatistics = BatchNormStatistics(channels: channels)
    let wholeOutput = batchNorm(
      wholeInput, weight: Variable(gamma, requiresGrad: true), bias: Variable(beta, requiresGrad: true),
      statistics: &wholeStatistics, training: true, momentum: momentum, epsilon: epsilon)
    wholeOutput.backward(gradient: dy)

    // B's contributions (samples 2 ..< 6), in Double from the whole batch's mean and variance.
    let a = 0..<2
    let b = 2..<wholeCount
    func value(_ t: Tensor, _ n: Int, _ c: Int, _ s: Int) -> Double {
      Double(t.scalars[(n * channels + c) * spatial + s])
    }
    var mean = [Double](repeating: 0, count: channels)
    var inverseStd = [Double](repeating: 0, count: channels)
    for c in 0..<channels {
      let values = (0..<wholeCount).flatMap { n in (0..<spatial).map { value(x, n, c, $0) } }
      mean[c] = values.reduce(0, +) / Double(values.count)
      let variance = values.map { ($0 - mean[c]) * ($0 - mean[c]) }.reduce(0, +) / Double(values.count)
      inverseStd[c] = 1 / (variance + Double(epsilon)).squareRoot()
    }
    var forward = [Double](repeating: 0, count: 2 * channels + 1)
    var backward = [Double](repeating: 0, count: 2 * channels)
    for c in 0..<channels {
      for n in b {
        for s in 0..<spatial {
          let v = value(x, n, c, s)
          let g = value(dy, n, c, s)
          forward[c] += v
          forward[channels + c] += v * v
          backward[c] += g
          backward[channels + c] += g * (v - mean[c]) * inverseStd[c]
        }
      }
    }
    forward[2 * channels] = Double(b.count * spatial)

    // Process A, with B's sums added by the reducer.
    let peer = PeerSums(forward: forward, backward: backward)
    BatchNormSynchronization.reducer = peer
    defer { BatchNormSynchronization.reducer = nil }
    let input = Variable(rows(x, a), requiresGrad: true)
    let weight = Variable(gamma, requiresGrad: true)
    let bias = Variable(beta, requiresGrad: true)
    var statistics = BatchNormStatistics(channels: channels)
    let output = batchNorm(
      input, weight: weight, bias: bias, statistics: &statistics, training: true, momentum: momentum,
      epsilon: epsilon)
    output.backward(gradient: rows(dy, a))
    XCTAssertEqual(peer.calls, 2, "one exchange forward, one backward")

    assertClose(output.value, rows(wholeOutput.value, a), absoluteTolerance: 1e-5, relativeTolerance: 1e-5)
    assertClose(input.grad!, rows(wholeInput.grad!, a), absoluteTolerance: 1e-5, relativeTolerance: 1e-5)
    assertClose(
      statistics.runningMean, wholeStatistics.runningMean, absoluteTolerance: 1e-6, relativeTolerance: 1e-6)
    // The unbiased running variance counts all 24 values per channel (23 in the denominator).
    assertClose(
      statistics.runningVariance, wholeStatistics.runningVariance, absoluteTolerance: 1e-6,
      relativeTolerance: 1e-6)
    // γ and β gradients: A's own part, Σ over A of dy·x̂ and dy (x̂ with the whole batch's statistics).
    var gammaGradient = [Float](repeating: 0, count: channels)
    var betaGradient = [Float](repeating: 0, count: channels)
    for c in 0..<channels {
      var dot = 0.0
      var sum = 0.0
      for n in a {
        for s in 0..<spatial {
          dot += value(dy, n, c, s) * (value(x, n, c, s) - mean[c]) * inverseStd[c]
          sum += value(dy, n, c, s)
        }
      }
      gammaGradient[c] = Float(dot)
      betaGradient[c] = Float(sum)
    }
    assertClose(weight.grad!.scalars, gammaGradient, absoluteTolerance: 1e-5, relativeTolerance: 1e-5)
    assertClose(bias.grad!.scalars, betaGradient, absoluteTolerance: 1e-5, relativeTolerance: 1e-5)
  }
}
