extension Tensor {
  public static func + (lhs: Tensor, rhs: Tensor) -> Tensor { zipWith(lhs, rhs, +) }
  public static func - (lhs: Tensor, rhs: Tensor) -> Tensor { zipWith(lhs, rhs, -) }
  public static func * (lhs: Tensor, rhs: Tensor) -> Tensor { zipWith(lhs, rhs, *) }
  public static func / (lhs: Tensor, rhs: Tensor) -> Tensor { zipWith(lhs, rhs, /) }

  public static func + (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 + rhs } }
  public static func - (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 - rhs } }
  public static func * (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 * rhs } }
  public static func / (lhs: Tensor, rhs: Float) -> Tensor { lhs.map { $0 / rhs } }
  public static func + (lhs: Float, rhs: Tensor) -> Tensor { rhs.map { lhs + $0 } }
  public static func - (lhs: Float, rhs: Tensor) -> Tensor { rhs.map { lhs - $0 } }
  public static func * (lhs: Float, rhs: Tensor) -> Tensor { rhs.map { lhs * $0 } }
  public static prefix func - (operand: Tensor) -> Tensor { operand.map { -$0 } }

  public static func += (lhs: inout Tensor, rhs: Tensor) {
    if lhs.shape == rhs.shape {
      let a = lhs.uniqueElements()
      let b = rhs.readOnlyElements
      for i in 0..<lhs.count { a[i] += b[i] }
    } else {
      lhs = lhs + rhs
    }
  }

  /// Adds `scale · other` into this tensor in place (same shapes).
  public mutating func addScaled(_ other: Tensor, scale: Float) {
    precondition(shape == other.shape, "addScaled: shapes \(shape) and \(other.shape) differ")
    let a = uniqueElements()
    let b = other.readOnlyElements
    for i in 0..<count { a[i] += scale * b[i] }
  }
}
