// Sub-pixel geometry: every output pixel is mapped back through the inverse transform and the
// source is sampled bilinearly; samples outside the image read `fill`. Angles: positive =
// counter-clockwise on screen (torchvision). Centres are the image centre in pixel-index
// coordinates, ((width − 1)/2, (height − 1)/2), as in torchvision's tensor `affine`.

extension Image {
  /// The centre of the image in pixel-index coordinates (see `AffineTransform`).
  public var center: (x: Double, y: Double) {
    (Double(width - 1) / 2, Double(height - 1) / 2)
  }

  /// This image moved by `transform`: the output pixel at p shows the source at
  /// transform⁻¹(p), interpolated bilinearly; where that falls outside the source, the
  /// missing neighbours count as `fill`. A singular transform yields an all-`fill` image.
  ///
  /// Integer translations reproduce pixels exactly (the interpolation weights are 0 and 1).
  public func warped(by transform: AffineTransform, fill: Float = 0) -> Image {
    var result = Image(width: width, height: height, channels: channels, repeating: fill)
    guard let inverse = transform.inverted else { return result }
    for y in 0..<height {
      for x in 0..<width {
        let source = inverse.apply(x: Double(x), y: Double(y))
        let column = source.x.rounded(.down)
        let row = source.y.rounded(.down)
        // Skip quickly when all four neighbours are outside.
        guard column > -2, row > -2, column < Double(width), row < Double(height) else { continue }
        let x0 = Int(column)
        let y0 = Int(row)
        let fx = Float(source.x - column)
        let fy = Float(source.y - row)
        for c in 0..<channels {
          let top = (1 - fx) * sample(c, y0, x0, fill) + fx * sample(c, y0, x0 + 1, fill)
          let bottom = (1 - fx) * sample(c, y0 + 1, x0, fill) + fx * sample(c, y0 + 1, x0 + 1, fill)
          result[c, y, x] = (1 - fy) * top + fy * bottom
        }
      }
    }
    return result
  }

  /// Rotated by `degrees` (positive = counter-clockwise on screen) about the image centre;
  /// corners that come from outside are `fill`. The size does not change.
  public func rotated(degrees: Double, fill: Float = 0) -> Image {
    warped(by: .rotation(degrees: degrees, about: center), fill: fill)
  }

  /// Shifted right by `x`·width and down by `y`·height pixels (fractions of the size; negative
  /// moves left / up); the uncovered strip is `fill`.
  public func translated(x: Double, y: Double, fill: Float = 0) -> Image {
    warped(by: .translation(x: x * Double(width), y: y * Double(height)), fill: fill)
  }

  /// Scaled by `factor` about the image centre (factor > 1 zooms in), keeping the size.
  public func scaled(by factor: Double, fill: Float = 0) -> Image {
    precondition(factor > 0, "scaled(by:): factor must be > 0, got \(factor)")
    return warped(by: .scaling(by: factor, about: center), fill: fill)
  }

  /// Sheared horizontally by `degrees` about the image centre (see `AffineTransform.shear`).
  public func sheared(degrees: Double, fill: Float = 0) -> Image {
    warped(by: .shear(degrees: degrees, about: center), fill: fill)
  }

  /// The value at (c, y, x), or `fill` outside the image.
  @inline(__always)
  private func sample(_ c: Int, _ y: Int, _ x: Int, _ fill: Float) -> Float {
    guard x >= 0, y >= 0, x < width, y < height else { return fill }
    return pixels[(c * height + y) * width + x]
  }
}
