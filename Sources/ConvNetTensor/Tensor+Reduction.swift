extension Tensor {
  /// The sum of all elements, accumulated in Double.
  public func sum() -> Float {
    var total = 0.0
    let a = readOnlyElements
    for i in 0..<count { total += Double(a[i]) }
    return Float(total)
  }

  public func mean() -> Float {
    precondition(count > 0, "Tensor.mean: empty tensor")
    return sum() / Float(count)
  }

  public func max() -> Float {
    precondition(count > 0, "Tensor.max: empty tensor")
    let a = readOnlyElements
    var best = a[0]
    for i in 1..<count where a[i] > best || a[i].isNaN { best = a[i] }
    return best
  }

  public func min() -> Float { -(-self).max() }

  /// Splits the shape around `axis` into (outer, size, inner) counts.
  func split(around axis: Int) -> (outer: Int, size: Int, inner: Int) {
    let normalized = axis < 0 ? axis + rank : axis
    precondition(normalized >= 0 && normalized < rank, "axis \(axis) out of range for shape \(shape)")
    let outer = Tensor.elementCount(of: Array(shape[..<normalized]))
    let inner = Tensor.elementCount(of: Array(shape[(normalized + 1)...]))
    return (outer, shape[normalized], inner)
  }

  func normalizedAxis(_ axis: Int) -> Int { axis < 0 ? axis + rank : axis }

  /// Sums along `axis`; the axis is removed unless `keepingDimension`.
  public func sum(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
    let (outer, size, inner) = split(around: axis)
    var newShape = shape
    let normalized = normalizedAxis(axis)
    if keepingDimension { newShape[normalized] = 1 } else { newShape.remove(at: normalized) }
    var result = Tensor.zeros(newShape)
    let a = readOnlyElements
    let c = result.uniqueElements()
    for o in 0..<outer {
      for s in 0..<size {
        let row = a + (o * size + s) * inner
        let target = c + o * inner
        for i in 0..<inner { target[i] += row[i] }
      }
    }
    return result
  }

  public func mean(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
    let size = shape[normalizedAxis(axis)]
    return sum(alongAxis: axis, keepingDimension: keepingDimension) * (1 / Float(size))
  }

  /// The index of the largest element along `axis` (the first one on ties), as Int.
  public func argmax(alongAxis axis: Int) -> [Int] {
    let (outer, size, inner) = split(around: axis)
    precondition(size > 0, "argmax: empty axis")
    var result = [Int](repeating: 0, count: outer * inner)
    let a = readOnlyElements
    for o in 0..<outer {
      for i in 0..<inner {
        var best = a[o * size * inner + i]
        var bestIndex = 0
        for s in 1..<size {
          let value = a[(o * size + s) * inner + i]
          if value > best {
            best = value
            bestIndex = s
          }
        }
        result[o * inner + i] = bestIndex
      }
    }
    return result
  }

  /// The largest element along `axis`; the axis is removed unless `keepingDimension`.
  public func max(alongAxis axis: Int, keepingDimension: Bool = false) -> Tensor {
    let (outer, size, inner) = split(around: axis)
    var newShape = shape
    let normalized = normalizedAxis(axis)
    if keepingDimension { newShape[normalized] = 1 } else { newShape.remove(at: normalized) }
    var result = Tensor(shape: newShape, repeating: -Float.infinity)
    let a = readOnlyElements
    let c = result.uniqueElements()
    for o in 0..<outer {
      for s in 0..<size {
        for i in 0..<inner { c[o * inner + i] = Swift.max(c[o * inner + i], a[(o * size + s) * inner + i]) }
      }
    }
    return result
  }
}
