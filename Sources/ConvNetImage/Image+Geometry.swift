// Integer-grid geometry: crops, padding and flips. These move whole pixels, so they never blur
// and never need interpolation; sub-pixel geometry lives in Image+Affine.swift and
// Image+Resize.swift.

extension Image {
  /// The `width`×`height` window whose top-left corner is at column `x`, row `y` of this
  /// image. Parts of the window outside the image are filled with `fill` (zero by default),
  /// so negative origins or oversized windows pad rather than fail.
  ///
  /// - Parameters:
  ///   - x: column of the window's left edge; may be negative or beyond the right edge.
  ///   - y: row of the window's top edge; may be negative or beyond the bottom edge.
  ///   - width: window width, at least 1.
  ///   - height: window height, at least 1.
  ///   - fill: value for every channel where the window leaves the image.
  public func cropped(x: Int, y: Int, width: Int, height: Int, fill: Float = 0) -> Image {
    precondition(
      width > 0 && height > 0, "cropped: window must be at least 1×1, got \(width)×\(height)")
    var result = Image(width: width, height: height, channels: channels, repeating: fill)
    // The columns of the window that land inside the source image; empty when disjoint.
    let firstColumn = max(0, -x)
    let lastColumn = min(width, self.width - x)
    guard firstColumn < lastColumn else { return result }
    let runLength = lastColumn - firstColumn
    for c in 0..<channels {
      for row in 0..<height {
        let sourceRow = y + row
        guard sourceRow >= 0 && sourceRow < self.height else { continue }
        let source = (c * self.height + sourceRow) * self.width + x + firstColumn
        let destination = (c * height + row) * width + firstColumn
        result.pixels.replaceSubrange(
          destination..<(destination + runLength), with: pixels[source..<(source + runLength)])
      }
    }
    return result
  }

  /// The central `width`×`height` window. The left edge is at ⌊(self.width − width) / 2⌋ and the
  /// top edge at ⌊(self.height − height) / 2⌋, so an odd leftover goes to the right and bottom.
  /// A window larger than the image is zero-padded, like torchvision's `CenterCrop`.
  public func centerCropped(width: Int, height: Int) -> Image {
    let left = Int((Double(self.width - width) / 2).rounded(.down))
    let top = Int((Double(self.height - height) / 2).rounded(.down))
    return cropped(x: left, y: top, width: width, height: height)
  }

  /// This image with `amount` pixels of `fill` added on all four sides, so the result is
  /// (width + 2·amount)×(height + 2·amount).
  public func padded(by amount: Int, fill: Float = 0) -> Image {
    precondition(amount >= 0, "padded(by:): amount must be ≥ 0, got \(amount)")
    return cropped(
      x: -amount, y: -amount, width: width + 2 * amount, height: height + 2 * amount, fill: fill)
  }

  /// The mirror image left–right: column x moves to column width − 1 − x.
  public func flippedHorizontally() -> Image {
    var result = self
    for c in 0..<channels {
      for y in 0..<height {
        let rowStart = (c * height + y) * width
        for x in 0..<width {
          result.pixels[rowStart + x] = pixels[rowStart + width - 1 - x]
        }
      }
    }
    return result
  }

  /// The mirror image top–bottom: row y moves to row height − 1 − y.
  public func flippedVertically() -> Image {
    var result = self
    for c in 0..<channels {
      for y in 0..<height {
        let destination = (c * height + y) * width
        let source = (c * height + height - 1 - y) * width
        result.pixels.replaceSubrange(
          destination..<(destination + width), with: pixels[source..<(source + width)])
      }
    }
    return result
  }
}
