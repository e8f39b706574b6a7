import ConvNetAutograd
import ConvNetNN
import ConvNetTensor
import Foundation
import TestSupport
import XCTest

/// The layers LeNet-5 (1998) adds — trainable subsampling, the scaled tanh squashing and the
/// connection-table convolution — forward against the paper's formulas written as plain loops,
/// backward against finite differences with respect to the input and to every parameter. They
/// are compositions of other ops (average pooling, arithmetic, tanh, channel selection,
/// convolution, concatenation), so they have no kernel of their own.
final class LeNet1998LayerGradientTests: XCTestCase {
  /// y[n, c, i, j] = w[c] · Σ of the k×k window at (k·i, k·j) + b[c].
  func testSubsampling() {
    for (shape, kernel, seed) in [([2, 3, 4, 6], 2, 31 as UInt64), ([1, 2, 7, 5], 3, 34)] {
      let layer = RandomSource.withSeed(4) { Subsampling2d(shape[1], kernelSize: kernel) }
      let (oh, ow) = (shape[2] / kernel, shape[3] / kernel)
      checkOp(
        "Subsampling2d \(shape) kernel \(kernel)",
        inputs: [random(shape, seed: seed), layer.weight.value, layer.bias.value],
        reference: OpReference { t in
          var y = Tensor.zeros([shape[0], shape[1], oh, ow])
          for n in 0..<shape[0] {
            for c in 0..<shape[1] {
              for i in 0..<oh {
                for j in 0..<ow {
                  var sum: Float = 0
                  for u in 0..<kernel {
                    for v in 0..<kernel { sum += t[0][n, c, kernel * i + u, kernel * j + v] }
                  }
                  y[n, c, i, j] = t[1][c] * sum + t[2][c]
                }
              }
            }
          }
          return y
        },
        gradients: FiniteDifferences(tolerance: 1e-3)
      ) { v in
        layer.weight = v[1]
        layer.bias = v[2]
        return layer(v[0])
      }
    }
  }

  /// f(a) = A·tanh(S·a), with LeCun's A = 1.7159, S = 2/3 and with other constants.
  func testScaledTanh() {
    for (amplitude, slope): (Float, Float) in [(1.7159, 2.0 / 3.0), (2, 0.5)] {
      checkOp(
        "ScaledTanh A \(amplitude) S \(slope)", inputs: [random([3, 7], seed: 32, scale: 2)],
        reference: .elementwise { amplitude * Float(Foundation.tanh(Double(slope * $0))) },
        gradients: FiniteDifferences(tolerance: 1e-3)
      ) { ScaledTanh(amplitude: amplitude, slope: slope)($0[0]) }
    }
  }

  /// Output map j = b_j + Σ over the table's channels table[j][q] of the valid 3×3
  /// cross-correlation of that channel with the map's weight w_j[0, q].
  func testConnectionTableConvolution() {
    let table = [[0, 1], [1, 2], [0, 2], [0, 1, 2]]
    let layer = RandomSource.withSeed(5) { ConnectionTableConv2d(3, table: table, kernelSize: 3) }
    let weights = layer.maps.map(\.weight.value)
    let biases = layer.maps.map { $0.bias!.value }
    checkOp(
      "ConnectionTableConv2d \(table)", inputs: [random([2, 3, 5, 5], seed: 33)] + weights + biases,
      reference: OpReference { t in
        var y = Tensor.zeros([2, table.count, 3, 3])
        for n in 0..<2 {
          for (j, channels) in table.enumerated() {
            for i in 0..<3 {
              for k in 0..<3 {
                var sum = t[1 + table.count + j][0]
                for (q, c) in channels.enumerated() {
                  for u in 0..<3 {
                    for v in 0..<3 { sum += t[1 + j][0, q, u, v] * t[0][n, c, i + u, k + v] }
                  }
                }
                y[n, j, i, k] = sum
              }
            }
          }
        }
        return y
      },
      gradients: FiniteDifferences(tolerance: 1e-3)
    ) { v in
      for (j, map) in layer.maps.enumerated() {
        map.weight = v[1 + j]
        map.bias = v[1 + table.count + j]
      }
      return layer(v[0])
    }
  }
}
