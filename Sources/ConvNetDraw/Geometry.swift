/// A point in canvas pixels: x to the right, y down, (0, 0) the top-left pixel.
public struct PixelPoint: Equatable, Hashable, Sendable {
  public var x: Int
  public var y: Int

  public init(x: Int, y: Int) {
    self.x = x
    self.y = y
  }
}

/// A rectangle of canvas pixels: columns x..<x+width, rows y..<y+height.
public struct PixelRect: Equatable, Hashable, Sendable {
  public var x: Int
  public var y: Int
  public var width: Int
  public var height: Int

  public init(x: Int, y: Int, width: Int, height: Int) {
    self.x = x
    self.y = y
    self.width = width
    self.height = height
  }

  public var maxX: Int { x + width }
  public var maxY: Int { y + height }
  public var isEmpty: Bool { width <= 0 || height <= 0 }

  /// The part of `self` that also lies in `other` (empty when they do not overlap).
  public func intersection(_ other: PixelRect) -> PixelRect {
    let x0 = max(x, other.x)
    let y0 = max(y, other.y)
    let x1 = min(maxX, other.maxX)
    let y1 = min(maxY, other.maxY)
    return PixelRect(x: x0, y: y0, width: max(0, x1 - x0), height: max(0, y1 - y0))
  }

  /// `self` shrunk by `amount` on every side.
  public func inset(by amount: Int) -> PixelRect {
    PixelRect(x: x + amount, y: y + amount, width: width - 2 * amount, height: height - 2 * amount)
  }
}

/// How a picture is sampled when it is drawn at another size.
public enum Interpolation: Sendable {
  /// Each canvas pixel takes the nearest source pixel: blocks, good for small maps and kernels
  /// where every value should stay visible.
  case nearest
  /// Linear in x and y between the four nearest source pixels (pixel centres aligned).
  case bilinear
}
