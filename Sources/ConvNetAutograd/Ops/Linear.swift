import ConvNetKernels
import ConvNetTensor

/// y = x·Wᵀ + b for x [N, in], W [out, in] (PyTorch's layout), b [out] → y [N, out].
public func linear(_ input: Variable, weight: Variable, bias: Variable?) -> Variable {
  let x = input.value
  let w = weight.value
  precondition(
    x.rank == 2 && w.rank == 2 && x.shape[1] == w.shape[1],
    "linear: input \(x.shape) does not match weight \(w.shape) (expects [N, \(w.shape.count == 2 ? w.shape[1] : 0)])")
  let batch = x.shape[0]
  let outFeatures = w.shape[0]
  var output = x.matmul(w, transposeOther: true)
  if let bias {
    let b = bias.value.storage.pointer
    output.withUnsafeMutableBufferPointer { y in
      for n in 0..<batch {
        for j in 0..<outFeatures { y[n * outFeatures + j] += b[j] }
      }
    }
  }
  let inputs = bias.map { [input, weight, $0] } ?? [input, weight]
  return Variable.makeOutput(output, name: "linear", inputs: inputs) { gradient in
    var gradients: [Tensor?] = [
      input.requiresGrad ? gradient.matmul(w) : nil,
      weight.requiresGrad ? gradient.matmul(x, transposeSelf: true) : nil,
    ]
    if bias != nil { gradients.append(gradient.sum(alongAxis: 0)) }
    return gradients
  }
}
