import ConvNetAutograd
import ConvNetKernels
import ConvNetNN
import ConvNetTensor
import TestSupport
import XCTest

/// The fused ops and `Sequential`'s fusion give the values and gradients of the unfused
/// compositions, and pass finite-difference checks.
final class FusedOpGradientTests: XCTestCase {
  private func bits(_ tensor: Tensor?) -> [UInt32] { tensor?.scalars.map(\.bitPattern) ?? [] }

  func testReLUMaxPoolEqualsMaxPoolOfReLU() {
    for (shape, kernel, stride) in [([2, 3, 8, 8], 2, 2), ([1, 2, 9, 11], 3, 2), ([3, 6, 28, 28], 2, 2)] {
      let geometry = Pool2DGeometry(
        batch: 1, channels: 1, inputHeight: 1, inputWidth: 1, kernelSize: kernel, stride: stride)
      let x = random(shape, seed: UInt64(shape.reduce(0, +)))
      let gradient = random(
        [shape[0], shape[1], (shape[2] - kernel) / stride + 1, (shape[3] - kernel) / stride + 1],
        seed: 3)
      let fusedInput = Variable(x, requiresGrad: true)
      let fused = reluMaxPool2d(fusedInput, geometry: geometry)
      fused.backward(gradient: gradient)
      let plainInput = Variable(x, requiresGrad: true)
      let plain = maxPool2d(relu(plainInput), geometry: geometry)
      plain.backward(gradient: gradient)
      XCTAssertEqual(bits(fused.value), bits(plain.value), "\(shape)")
      XCTAssertEqual(bits(fusedInput.grad), bits(plainInput.grad), "\(shape)")
    }
  }

  func testLinearReLUEqualsReLUOfLinear() {
    for (batch, inFeatures, outFeatures) in [(1, 400, 120), (5, 7, 3), (64, 120, 84), (3, 33, 17)] {
      let x = random([batch, inFeatures], seed: 1)
      let w = random([outFeatures, inFeatures], seed: 2, scale: 0.3)
      let b = random([outFeatures], seed: 3)
      let gradient = random([batch, outFeatures], seed: 4)
      let fusedVariables = [x, w, b].map { Variable($0, requiresGrad: true) }
      let fused = linearReLU(fusedVariables[0], weight: fusedVariables[1], bias: fusedVariables[2])
      fused.backward(gradient: gradient)
      let plainVariables = [x, w, b].map { Variable($0, requiresGrad: true) }
      let plain = relu(linear(plainVariables[0], weight: plainVariables[1], bias: plainVariables[2]))
      plain.backward(gradient: gradient)
      XCTAssertEqual(bits(fused.value), bits(plain.value), "\(batch)×\(inFeatures)→\(outFeatures)")
      for i in 0..<3 {
        XCTAssertEqual(
          bits(fusedVariables[i].grad), bits(plainVariables[i].grad), "input \(i), \(batch)×\(inFeatures)")
      }
    }
  }

  func testFusedOpsPassGradientCheck() {
    let geometry = Pool2DGeometry(
      batch: 1, channels: 1, inputHeight: 1, inputWidth: 1, kernelSize: 2)
    checkGradients([randomAwayFromZero([2, 2, 6, 6], seed: 5)]) { v in
      reluMaxPool2d(v[0], geometry: geometry)
    }
    checkGradients(
      [random([3, 5], seed: 6), random([4, 5], seed: 7), random([4], seed: 8)]
    ) { v in
      linearReLU(v[0], weight: v[1], bias: v[2])
    }
  }

  /// A Sequential with both fusable pairs gives the same outputs and parameter gradients as
  /// running its layers one at a time.
  func testSequentialFusionMatchesLayerByLayer() {
    let model = RandomSource.withSeed(3) {
      Sequential {
        Conv2d(1, 4, kernelSize: 3, padding: 1)
        ReLU()
        MaxPool2d(2)
        Flatten()
        Linear(4 * 5 * 5, 12)
        ReLU()
        Linear(12, 3)
      }
    }
    let x = random([2, 1, 10, 10], seed: 9)
    let fused = model(Variable(x))
    fused.backward(gradient: Tensor.ones(fused.shape))
    let fusedGradients = model.parameters.map { bits($0.grad) }
    for parameter in model.parameters { parameter.grad = nil }
    var y = Variable(x)
    for layer in model.layers { y = layer(y) }
    y.backward(gradient: Tensor.ones(y.shape))
    XCTAssertEqual(bits(fused.value), bits(y.value))
    XCTAssertEqual(fusedGradients, model.parameters.map { bits($0.grad) })
  }
}
