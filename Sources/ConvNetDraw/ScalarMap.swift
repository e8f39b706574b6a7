/// A grid of numbers to be shown as a picture: a feature map, a kernel, a heat map.
/// `values` are row-major, `height` rows of `width`.
public struct ScalarMap: Equatable, Sendable {
  public let width: Int
  public let height: Int
  public var values: [Float]

  /// - Throws: `DrawError` unless width, height ≥ 1 and `values` holds width·height numbers.
  public init(width: Int, height: Int, values: [Float]) throws {
    guard width >= 1 && height >= 1 else {
      throw DrawError("map", "size \(width)×\(height), expected at least 1×1")
    }
    guard values.count == width * height else {
      throw DrawError(
        "map", "\(values.count) values for a \(width)×\(height) map, expected \(width * height)")
    }
    self.width = width
    self.height = height
    self.values = values
  }

  /// The value at column x, row y.
  public subscript(x: Int, y: Int) -> Float { values[y * width + x] }

  /// The smallest and largest finite values; (0, 0) when there are none.
  public var finiteRange: (min: Float, max: Float) {
    var low = Float.infinity
    var high = -Float.infinity
    for v in values where v.isFinite {
      low = min(low, v)
      high = max(high, v)
    }
    return low <= high ? (low, high) : (0, 0)
  }
}

/// Which values the two ends of a colour map stand for.
public enum DisplayRange: Equatable, Sendable {
  /// The map's own minimum → 0 and maximum → 1, so every map uses the whole colour range
  /// (feature maps). A constant map shows as 0.
  case minMax
  /// −m → 0, 0 → 0.5 and m → 1 with m the largest |value|, so zero sits in the middle of a
  /// diverging colour map (weights). An all-zero map shows as 0.5.
  case symmetric
  /// `low` → 0 and `high` → 1, values outside clamped (maps to be compared with each other).
  case fixed(low: Float, high: Float)

  /// The affine map v ↦ v · scale + offset that sends the range to [0, 1] for `map`.
  func transform(for map: ScalarMap) -> (scale: Float, offset: Float) {
    switch self {
    case .minMax:
      let (low, high) = map.finiteRange
      return high > low ? (1 / (high - low), -low / (high - low)) : (0, 0)
    case .symmetric:
      let (low, high) = map.finiteRange
      let m = max(abs(low), abs(high))
      return m > 0 ? (0.5 / m, 0.5) : (0, 0.5)
    case .fixed(let low, let high):
      return high != low ? (1 / (high - low), -low / (high - low)) : (0, 0)
    }
  }
}
