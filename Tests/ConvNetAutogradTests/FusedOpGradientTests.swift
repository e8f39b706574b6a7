import ConvNetAutograd
import ConvNetKernels
import ConvNetNN
import ConvNetTensor
import TestSupport
import XCTest

/// The fused ops and `Sequential`'s fusion give the values and gradients of the unfused
/// compositions, bit for bit; `reluMaxPool2d` on the op harness (`linearReLU`'s table is in
/// `LinearGradientTests`).
final class FusedOpGradientTests: XCTestCase {
  private func bits(_ tensor: Tensor?) -> [UInt32] { tensor?.scalars.map(\.bitPattern) ?? [] }

  func testReLUMaxPoolEqualsMaxPoolOfReLU() {
    for (shape, kernel, stride) in [([2, 3, 8, 8], 2, 2), ([1, 2, 9, 11], 3, 2), ([3, 6, 28, 28], 2, 2)] {
      let settings = Pool2DSettings(kernelSize: Size2(kernel, kernel), stride: Size2(stride, stride))
      let x = random(shape, seed: UInt64(shape.reduce(0, +)))
      let gradient = random(
        [shape[0], shape[1], (shape[2] - kernel) / stride + 1, (shape[3] - kernel) / stride + 1],
        seed: 3)
      let fusedInput = Variable(x, requiresGrad: true)
      let fused = reluMaxPool2d(fusedInput, settings: settings)
      fused.backward(gradient: gradient)
      let plainInput = Variable(x, requiresGrad: true)
      let plain = maxPool2d(relu(plainInput), settings: settings)
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

  /// `reluMaxPool2d` on the harness: forward against the reference twin run with
  /// `applyingReLU`, backward against finite differences, and both kernel passes — the forward
  /// (values and argmax indices; 2×2 stride 2 takes the C kernel, other windows the SIMD loop)
  /// and the backward, which passes a gradient only where the pooled value is > 0 — against
  /// the twin and a plain routing loop. The inputs are a shuffled ramp with steps of 0.05 and
  /// nothing within 0.025 of 0, so that no ±0.01 difference crosses a tie or the ReLU's kink.
  func testReLUMaxPool2d() {
    let cases = [
      ([2, 2, 6, 6], 2, 2), ([2, 3, 8, 8], 2, 2), ([1, 2, 9, 11], 3, 2), ([1, 2, 10, 40], 2, 2),
    ]
    for (shape, kernel, stride) in cases {
      let g = Pool2DGeometry(
        batch: shape[0], channels: shape[1], inputHeight: shape[2], inputWidth: shape[3],
        kernelSize: kernel, stride: stride)
      var generator = SeededGenerator(seed: UInt64(shape.reduce(0, +)))
      let ramp = (0..<g.inputCount).shuffled(using: &generator).map {
        (Float($0) - Float(g.inputCount) / 2 + 0.5) * 0.05
      }
      let x = Tensor(shape: shape, scalars: ramp)
      let dy = random([g.outputCount], seed: 3).scalars
      // The twin's values and argmax indices (within each plane) of the pooled relu(x).
      func twin(_ x: [Float]) -> (values: [Float], indices: [Int32]) {
        var values = [Float](repeating: .nan, count: g.outputCount)
        var indices = [Int32](repeating: -1, count: g.outputCount)
        maxPool2DForwardReference(
          input: x, output: &values, indices: &indices, geometry: g, applyingReLU: true)
        return (values, indices)
      }
      let outputShape = [g.batch, g.channels, g.outputHeight, g.outputWidth]
      checkOp(
        "reluMaxPool2d \(shape) kernel \(kernel) stride \(stride)", inputs: [x],
        reference: OpReference { t in Tensor(shape: outputShape, scalars: twin(t[0].scalars).values) },
        gradients: FiniteDifferences(tolerance: 1e-3),
        kernels: [
          KernelPass(
            "forward",
            buffers: [.output("output", count: g.outputCount), .output("indices", count: g.outputCount)],
            fast: { out in
              var indices = [Int32](repeating: -1, count: g.outputCount)
              maxPool2DForward(
                input: ramp, output: out[0], indices: &indices, geometry: g, applyingReLU: true)
              for (o, index) in indices.enumerated() { out[1][o] = Float(index) }
            },
            reference: { out in
              let (values, indices) = twin(ramp)
              for o in 0..<g.outputCount { (out[0][o], out[1][o]) = (values[o], Float(indices[o])) }
            }),
          KernelPass(
            "backward", buffers: [.output("gradInput", count: g.inputCount)],
            fast: { out in
              let (values, indices) = twin(ramp)
              maxPool2DBackward(
                gradOutput: dy, indices: indices, gradInput: out[0], geometry: g, reluOutput: values)
            },
            reference: { out in
              let (values, indices) = twin(ramp)
              let inputPlane = g.inputHeight * g.inputWidth
              let outputPlane = g.outputHeight * g.outputWidth
              out[0].update(repeating: 0, count: g.inputCount)
              for o in 0..<g.outputCount where values[o] > 0 {
                out[0][o / outputPlane * inputPlane + Int(indices[o])] += dy[o]
              }
            }),
        ]
      ) { v in reluMaxPool2d(v[0], settings: g.settings) }
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
