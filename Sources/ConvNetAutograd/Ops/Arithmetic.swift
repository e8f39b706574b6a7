import ConvNetTensor

// Elementwise arithmetic with broadcasting. The gradient of a broadcast operand is the output
// gradient summed back down to the operand's shape (`Tensor.summed(toShape:)`).

public func + (lhs: Variable, rhs: Variable) -> Variable {
  let (leftShape, rightShape) = (lhs.shape, rhs.shape)
  return Variable.makeOutput(lhs.value + rhs.value, name: "add", inputs: [lhs, rhs], traced: .add) {
    gradient in
    [gradient.summed(toShape: leftShape), gradient.summed(toShape: rightShape)]
  }
}

public func - (lhs: Variable, rhs: Variable) -> Variable {
  let (leftShape, rightShape) = (lhs.shape, rhs.shape)
  return Variable.makeOutput(lhs.value - rhs.value, name: "subtract", inputs: [lhs, rhs], traced: .subtract) {
    gradient in
    [gradient.summed(toShape: leftShape), (-gradient).summed(toShape: rightShape)]
  }
}

public func * (lhs: Variable, rhs: Variable) -> Variable {
  let (a, b) = (lhs.value, rhs.value)
  return Variable.makeOutput(a * b, name: "multiply", inputs: [lhs, rhs], traced: .multiply) { gradient in
    [
      lhs.requiresGrad ? (gradient * b).summed(toShape: a.shape) : nil,
      rhs.requiresGrad ? (gradient * a).summed(toShape: b.shape) : nil,
    ]
  }
}

public func / (lhs: Variable, rhs: Variable) -> Variable {
  let (a, b) = (lhs.value, rhs.value)
  return Variable.makeOutput(a / b, name: "divide", inputs: [lhs, rhs], traced: .divide) { gradient in
    [
      lhs.requiresGrad ? (gradient / b).summed(toShape: a.shape) : nil,
      rhs.requiresGrad ? (-(gradient * a) / (b * b)).summed(toShape: b.shape) : nil,
    ]
  }
}

public func * (lhs: Variable, rhs: Float) -> Variable {
  Variable.makeOutput(lhs.value * rhs, name: "scale", inputs: [lhs], traced: .scale(rhs)) { gradient in
    [gradient * rhs]
  }
}

public func * (lhs: Float, rhs: Variable) -> Variable { rhs * lhs }

public func + (lhs: Variable, rhs: Float) -> Variable {
  Variable.makeOutput(lhs.value + rhs, name: "add scalar", inputs: [lhs], traced: .addScalar(rhs)) {
    gradient in [gradient]
  }
}

public prefix func - (operand: Variable) -> Variable {
  Variable.makeOutput(-operand.value, name: "negate", inputs: [operand], traced: .negate) { gradient in
    [-gradient]
  }
}

extension Variable {
  /// The sum of all elements, as a rank-0 variable.
  public func sum() -> Variable {
    let shape = self.shape
    return Variable.makeOutput(Tensor(value.sum()), name: "sum", inputs: [self], traced: .sumAll) {
      gradient in
      [Tensor(shape: shape, repeating: gradient.scalar)]
    }
  }

  /// The mean of all elements, as a rank-0 variable.
  public func mean() -> Variable {
    let shape = self.shape
    let count = Float(value.count)
    return Variable.makeOutput(Tensor(value.mean()), name: "mean", inputs: [self], traced: .meanAll) {
      gradient in
      [Tensor(shape: shape, repeating: gradient.scalar / count)]
    }
  }

  /// The same elements with another shape (one dimension may be -1).
  public func reshaped(_ newShape: [Int]) -> Variable {
    let oldShape = shape
    return Variable.makeOutput(value.reshaped(newShape), name: "reshape", inputs: [self], traced: .reshape) {
      gradient in [gradient.reshaped(oldShape)]
    }
  }

  /// [N, C, H, W] → [N, C·H·W] (all axes from `startAxis` on are merged).
  public func flattened(startAxis: Int = 1) -> Variable {
    let oldShape = shape
    return Variable.makeOutput(
      value.flattened(startAxis: startAxis), name: "flatten", inputs: [self],
      traced: .flatten(startAxis: startAxis)
    ) {
      gradient in [gradient.reshaped(oldShape)]
    }
  }
}

/// Matrix product of rank-2 variables: [M, K] × [K, N] → [M, N].
public func matmul(_ lhs: Variable, _ rhs: Variable) -> Variable {
  let (a, b) = (lhs.value, rhs.value)
  return Variable.makeOutput(a.matmul(b), name: "matmul", inputs: [lhs, rhs], traced: .matmul) { gradient in
    [
      lhs.requiresGrad ? gradient.matmul(b, transposeOther: true) : nil,
      rhs.requiresGrad ? a.matmul(gradient, transposeSelf: true) : nil,
    ]
  }
}
