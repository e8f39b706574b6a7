import ConvNetImage

/// Drawing maps and images scaled into rectangles.
extension Canvas {
  /// Draws `map` scaled to fill `rect`, each value coloured by `colormap` after `range` has
  /// sent it to [0, 1], mixed in with opacity `alpha` (below 1 for an overlay such as a
  /// Grad-CAM heat map over its input).
  public mutating func drawMap(
    _ map: ScalarMap, in rect: PixelRect, colormap: Colormap = .gray,
    range: DisplayRange = .minMax, interpolation: Interpolation = .nearest, alpha: Float = 1
  ) {
    let (scale, offset) = range.transform(for: map)
    let table = colormap.table
    let values = map.values
    Canvas.forEachSample(
      of: rect, clip: bounds, sourceWidth: map.width, sourceHeight: map.height, interpolation
    ) { x, y, sample in
      let t = sample { i in values[i] } * scale + offset
      blendPixel(x: x, y: y, color: table[Colormap.index(t)], alpha: alpha)
    }
  }

  /// Draws `image` scaled to fill `rect`. Grey images (1 channel) go through `colormap`
  /// (values in [0, 1]); grey + alpha and RGBA images are composited by their alpha; RGB is
  /// drawn as it is. `alpha` multiplies the image's own opacity.
  public mutating func drawImage(
    _ image: Image, in rect: PixelRect, interpolation: Interpolation = .bilinear,
    colormap: Colormap = .gray, alpha: Float = 1
  ) {
    guard image.width > 0 && image.height > 0 else { return }
    let plane = image.width * image.height
    let pixels = image.pixels
    let channels = image.channels
    let table = colormap.table
    Canvas.forEachSample(
      of: rect, clip: bounds, sourceWidth: image.width, sourceHeight: image.height, interpolation
    ) { x, y, sample in
      let color: RGBColor
      var opacity = alpha
      switch channels {
      case 1, 2:
        color = table[Colormap.index(sample { i in pixels[i] })]
      default:
        color = RGBColor(
          unitRed: sample { i in pixels[i] }, green: sample { i in pixels[plane + i] },
          blue: sample { i in pixels[2 * plane + i] })
      }
      if channels == 2 || channels == 4 {
        let a = sample { i in pixels[(channels - 1) * plane + i] }
        opacity *= a.isNaN ? 0 : min(max(a, 0), 1)
      }
      blendPixel(x: x, y: y, color: color, alpha: opacity)
    }
  }

  /// Calls `body(x, y, sample)` for every pixel of `rect` inside `clip`, where
  /// `sample(value)` interpolates `value(index)` — index = row · sourceWidth + column of the
  /// source grid — at the source position under the pixel's centre.
  private static func forEachSample(
    of rect: PixelRect, clip: PixelRect, sourceWidth: Int, sourceHeight: Int, _ interpolation: Interpolation,
    _ body: (Int, Int, ((Int) -> Float) -> Float) -> Void
  ) {
    let area = rect.intersection(clip)
    guard !area.isEmpty, sourceWidth > 0, sourceHeight > 0 else { return }
    let scaleX = Float(sourceWidth) / Float(rect.width)
    let scaleY = Float(sourceHeight) / Float(rect.height)
    for y in area.y..<area.maxY {
      // Source coordinate of the pixel centre, in source pixel units (centres at i + 0.5).
      let sy = (Float(y - rect.y) + 0.5) * scaleY
      for x in area.x..<area.maxX {
        let sx = (Float(x - rect.x) + 0.5) * scaleX
        switch interpolation {
        case .nearest:
          let index = min(Int(sy), sourceHeight - 1) * sourceWidth + min(Int(sx), sourceWidth - 1)
          body(x, y) { value in value(index) }
        case .bilinear:
          let fx = min(max(sx - 0.5, 0), Float(sourceWidth - 1))
          let fy = min(max(sy - 0.5, 0), Float(sourceHeight - 1))
          let x0 = Int(fx)
          let y0 = Int(fy)
          let x1 = min(x0 + 1, sourceWidth - 1)
          let y1 = min(y0 + 1, sourceHeight - 1)
          let wx = fx - Float(x0)
          let wy = fy - Float(y0)
          body(x, y) { value in
            let top = value(y0 * sourceWidth + x0) * (1 - wx) + value(y0 * sourceWidth + x1) * wx
            let bottom =
              value(y1 * sourceWidth + x0) * (1 - wx) + value(y1 * sourceWidth + x1) * wx
            return top * (1 - wy) + bottom * wy
          }
        }
      }
    }
  }
}

extension Canvas {
  /// Fills `rect` with `colormap`'s colours from 0 to 1: bottom to top when `vertical`, else
  /// left to right — the key beside a heat map (labels are the caller's, in its own units).
  public mutating func drawColorBar(_ colormap: Colormap, in rect: PixelRect, vertical: Bool = true) {
    guard !rect.isEmpty else { return }
    let steps = vertical ? rect.height : rect.width
    for i in 0..<steps {
      // Pixel centres: the first step shows t = 0.5/steps, the last 1 − 0.5/steps.
      let color = colormap.color(at: (Float(i) + 0.5) / Float(steps))
      let strip =
        vertical
        ? PixelRect(x: rect.x, y: rect.maxY - 1 - i, width: rect.width, height: 1)
        : PixelRect(x: rect.x + i, y: rect.y, width: 1, height: rect.height)
      fill(strip, color: color)
    }
  }
}
