import ConvNetAutograd
import ConvNetNN
import ConvNetTensor
import TestSupport
import XCTest

/// Finite-difference checks of the layers LeNet-5 (1998) adds: trainable subsampling, the
/// scaled tanh squashing and the connection-table convolution, with respect to the input and
/// to every parameter.
final class LeNet1998LayerGradientTests: XCTestCase {
  func testSubsampling() {
    let layer = RandomSource.withSeed(4) { Subsampling2d(3) }
    checkGradients([random([2, 3, 4, 6], seed: 31), layer.weight.value, layer.bias.value]) { v in
      layer.weight = v[1]
      layer.bias = v[2]
      return layer(v[0])
    }
  }

  func testScaledTanh() {
    checkGradients([random([3, 7], seed: 32, scale: 2)]) { ScaledTanh()($0[0]) }
  }

  func testConnectionTableConvolution() {
    let table = [[0, 1], [1, 2], [0, 2], [0, 1, 2]]
    let layer = RandomSource.withSeed(5) { ConnectionTableConv2d(3, table: table, kernelSize: 3) }
    let weights = layer.maps.map(\.weight.value)
    let biases = layer.maps.map { $0.bias!.value }
    checkGradients([random([2, 3, 5, 5], seed: 33)] + weights + biases) { v in
      for (j, map) in layer.maps.enumerated() {
        map.weight = v[1 + j]
        map.bias = v[1 + table.count + j]
      }
      return layer(v[0])
    }
  }
}
