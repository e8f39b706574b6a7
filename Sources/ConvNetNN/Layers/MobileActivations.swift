import ConvNetAutograd

/// min(max(0, x), 6), PyTorch's `nn.ReLU6` (MobileNet v1/v2).
public final class ReLU6: Module {
  public init() {}
  public func forward(_ input: Variable) -> Variable { relu6(input) }
}

/// relu6(x + 3) / 6, PyTorch's `nn.Hardsigmoid` (the gate of MobileNet v3's squeeze-excitation).
public final class Hardsigmoid: Module {
  public init() {}
  public func forward(_ input: Variable) -> Variable { hardsigmoid(input) }
}

/// x · relu6(x + 3) / 6, PyTorch's `nn.Hardswish` (MobileNet v3).
public final class Hardswish: Module {
  public init() {}
  public func forward(_ input: Variable) -> Variable { hardswish(input) }
}
