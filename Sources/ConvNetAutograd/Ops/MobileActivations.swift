import ConvNetTensor

// The piecewise-linear activations of the MobileNets, with PyTorch's definitions and PyTorch's
// choice of derivative at the kinks (the open interval takes the slope; the end points take the
// flat side), so gradients agree with `torch.autograd` everywhere.

/// min(max(0, x), 6) — MobileNet v1/v2 (Howard et al. 2017; Sandler et al. 2018). The
/// derivative is 1 on the open interval (0, 6) and 0 elsewhere.
public func relu6(_ input: Variable) -> Variable {
  let x = input.value
  let output = x.map { min(max($0, 0), 6) }
  return Variable.makeOutput(output, name: "relu6", inputs: [input], traced: .relu6) { gradient in
    [Tensor.zipWith(gradient, x) { g, v in v > 0 && v < 6 ? g : 0 }]
  }
}

/// relu6(x + 3) / 6: a piecewise-linear sigmoid (MobileNet v3, Howard et al. 2019). The
/// derivative is 1/6 on the open interval (−3, 3) and 0 elsewhere, as in PyTorch.
public func hardsigmoid(_ input: Variable) -> Variable {
  let x = input.value
  let output = x.map { min(max($0 + 3, 0), 6) / 6 }
  return Variable.makeOutput(output, name: "hardsigmoid", inputs: [input], traced: .hardsigmoid) { gradient in
    [Tensor.zipWith(gradient, x) { g, v in v > -3 && v < 3 ? g / 6 : 0 }]
  }
}

/// x · relu6(x + 3) / 6: a piecewise "swish" (MobileNet v3). Zero below −3, x above 3, and
/// x(x + 3)/6 between, whose derivative (2x + 3)/6 is used on the open interval (−3, 3); at the
/// end points PyTorch takes the outer branches (0 at −3, 1 at 3) and so does this.
public func hardswish(_ input: Variable) -> Variable {
  let x = input.value
  let output = x.map { $0 * min(max($0 + 3, 0), 6) / 6 }
  return Variable.makeOutput(output, name: "hardswish", inputs: [input], traced: .hardswish) { gradient in
    [
      Tensor.zipWith(gradient, x) { g, v in
        if v <= -3 { return 0 }
        if v >= 3 { return g }
        return g * (2 * v + 3) / 6
      }
    ]
  }
}
