/// NumPy/PyTorch broadcasting: shapes are aligned at the right; each pair of dimensions must
/// be equal or one of them 1. `Broadcast` computes the result shape and, for each operand,
/// the strides with which to walk it while walking the result (0 where it is broadcast).
public struct Broadcast {
  public let shape: [Int]
  public let leftStrides: [Int]
  public let rightStrides: [Int]

  public init(_ left: [Int], _ right: [Int]) {
    let rank = max(left.count, right.count)
    let l = Array(repeating: 1, count: rank - left.count) + left
    let r = Array(repeating: 1, count: rank - right.count) + right
    var shape = [Int](repeating: 1, count: rank)
    for axis in 0..<rank {
      precondition(
        l[axis] == r[axis] || l[axis] == 1 || r[axis] == 1,
        "broadcasting: shapes \(left) and \(right) are incompatible at axis \(axis)")
      shape[axis] = l[axis] == 1 ? r[axis] : l[axis]
    }
    self.shape = shape
    leftStrides = Broadcast.strides(of: l, broadcastTo: shape)
    rightStrides = Broadcast.strides(of: r, broadcastTo: shape)
  }

  /// Row-major strides of `shape`, with 0 for axes that are broadcast (size 1 → size > 1).
  static func strides(of shape: [Int], broadcastTo target: [Int]) -> [Int] {
    var strides = [Int](repeating: 0, count: shape.count)
    var running = 1
    for axis in stride(from: shape.count - 1, through: 0, by: -1) {
      strides[axis] = (shape[axis] == 1 && target[axis] != 1) ? 0 : running
      running *= shape[axis]
    }
    return strides
  }
}

extension Tensor {
  /// Applies `operation` elementwise with broadcasting.
  @inlinable
  public static func zipWith(
    _ left: Tensor, _ right: Tensor, _ operation: (Float, Float) -> Float
  ) -> Tensor {
    if left.shape == right.shape {
      var result = Tensor(uninitializedShape: left.shape)
      let a = left.readOnlyElements
      let b = right.readOnlyElements
      let c = result.uniqueElements()
      for i in 0..<left.count { c[i] = operation(a[i], b[i]) }
      return result
    }
    if right.count == 1 {
      let value = right.readOnlyElements[0]
      let shape = Broadcast(left.shape, right.shape).shape
      var result = Tensor(uninitializedShape: shape)
      let a = left.readOnlyElements
      let c = result.uniqueElements()
      for i in 0..<left.count { c[i] = operation(a[i], value) }
      return result
    }
    return zipWithGeneral(left, right, operation)
  }

  @usableFromInline
  static func zipWithGeneral(
    _ left: Tensor, _ right: Tensor, _ operation: (Float, Float) -> Float
  ) -> Tensor {
    let broadcast = Broadcast(left.shape, right.shape)
    var result = Tensor(uninitializedShape: broadcast.shape)
    let rank = broadcast.shape.count
    if result.count == 0 { return result }
    let a = left.readOnlyElements
    let b = right.readOnlyElements
    let c = result.uniqueElements()
    let inner = broadcast.shape[rank - 1]
    let innerA = broadcast.leftStrides[rank - 1]
    let innerB = broadcast.rightStrides[rank - 1]
    var index = [Int](repeating: 0, count: rank)
    var offset = 0
    while offset < result.count {
      var offsetA = 0
      var offsetB = 0
      for axis in 0..<(rank - 1) {
        offsetA += index[axis] * broadcast.leftStrides[axis]
        offsetB += index[axis] * broadcast.rightStrides[axis]
      }
      for j in 0..<inner {
        c[offset + j] = operation(a[offsetA + j * innerA], b[offsetB + j * innerB])
      }
      offset += inner
      // Advance the multi-index over all axes but the last.
      var axis = rank - 2
      while axis >= 0 {
        index[axis] += 1
        if index[axis] < broadcast.shape[axis] { break }
        index[axis] = 0
        axis -= 1
      }
    }
    return result
  }

  /// Applies `operation` to every element.
  @inlinable
  public func map(_ operation: (Float) -> Float) -> Tensor {
    var result = Tensor(uninitializedShape: shape)
    let a = readOnlyElements
    let c = result.uniqueElements()
    for i in 0..<count { c[i] = operation(a[i]) }
    return result
  }

  /// Sums over the axes that broadcasting expanded, giving a tensor of `targetShape`.
  /// This is the adjoint of broadcasting `targetShape` up to `self.shape`, used by autograd.
  public func summed(toShape targetShape: [Int]) -> Tensor {
    if shape == targetShape { return self }
    precondition(
      Broadcast(shape, targetShape).shape == shape,
      "summed(toShape:): \(targetShape) does not broadcast to \(shape)")
    var result = Tensor.zeros(targetShape)
    let rank = shape.count
    let padded = Array(repeating: 1, count: rank - targetShape.count) + targetShape
    let strides = Broadcast.strides(of: padded, broadcastTo: shape)
    let source = readOnlyElements
    let target = result.uniqueElements()
    var index = [Int](repeating: 0, count: rank)
    for offset in 0..<count {
      var targetOffset = 0
      for axis in 0..<rank { targetOffset += index[axis] * strides[axis] }
      target[targetOffset] += source[offset]
      var axis = rank - 1
      while axis >= 0 {
        index[axis] += 1
        if index[axis] < shape[axis] { break }
        index[axis] = 0
        axis -= 1
      }
    }
    return result
  }
}
