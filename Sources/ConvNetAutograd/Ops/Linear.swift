import ConvNetKernels
import ConvNetTensor

/// y = x·Wᵀ + b for x [N, in], W [out, in] (PyTorch's layout), b [out] → y [N, out].
public func linear(_ input: Variable, weight: Variable, bias: Variable?) -> Variable {
  linear(input, weight: weight, bias: bias, relu: false)
}

/// relu(x·Wᵀ + b), fused: the bias and the ReLU are applied by the GEMM's epilogue while each
/// tile of y is still in registers, and the backward masks the output gradient where y ≤ 0.
/// The same values and gradients as `relu(linear(x, weight:, bias:))` for finite inputs (a NaN
/// stays NaN here, as in PyTorch). `Sequential` uses it for a Linear followed by a ReLU.
public func linearReLU(_ input: Variable, weight: Variable, bias: Variable?) -> Variable {
  linear(input, weight: weight, bias: bias, relu: true)
}

private func linear(_ input: Variable, weight: Variable, bias: Variable?, relu: Bool) -> Variable {
  let x = input.value
  let w = weight.value
  precondition(
    x.rank == 2 && w.rank == 2 && x.shape[1] == w.shape[1],
    "linear: input \(x.shape) does not match weight \(w.shape) (expects [N, \(w.shape.count == 2 ? w.shape[1] : 0)])"
  )
  let batch = x.shape[0]
  let inFeatures = x.shape[1]
  let outFeatures = w.shape[0]
  var output = Tensor(uninitializedShape: [batch, outFeatures])
  let y = output.uniqueElements()
  if inFeatures == 0 {
    // An empty product: y = relu?(b), or 0.
    for n in 0..<batch {
      for j in 0..<outFeatures {
        let value = bias.map { $0.value.readOnlyElements[j] } ?? 0
        y[n * outFeatures + j] = relu ? max(value, 0) : value
      }
    }
  } else {
    // y[N, out] = x[N, in] · W[out, in]ᵀ (+ b along the columns) (then ReLU).
    gemm(
      transposeA: false, transposeB: true, m: batch, n: outFeatures, k: inFeatures, alpha: 1,
      a: x.readOnlyElements, lda: inFeatures, b: w.readOnlyElements, ldb: inFeatures, beta: 0,
      c: y, ldc: outFeatures,
      bias: bias?.value.readOnlyElements, biasAlongRows: false,
      relu: relu)
  }
  let inputs = bias.map { [input, weight, $0] } ?? [input, weight]
  return Variable.makeOutput(
    output, name: relu ? "linear_relu" : "linear", inputs: inputs,
    traced: .linear(relu: relu)
  ) {
    [output] outputGradient in
    // Through the ReLU first: the gradient passes where y > 0.
    let gradient = relu ? Tensor.zipWith(outputGradient, output) { g, y in y > 0 ? g : 0 } : outputGradient
    var gradients: [Tensor?] = [
      input.requiresGrad ? gradient.matmul(w) : nil,
      weight.requiresGrad ? gradient.matmul(x, transposeSelf: true) : nil,
    ]
    if bias != nil { gradients.append(gradient.sum(alongAxis: 0)) }
    return gradients
  }
}
