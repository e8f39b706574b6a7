import ConvNetBase
import ConvNetImage
import Foundation

/// A picture being drawn: `width`×`height` opaque RGB pixels, 8 bits per channel, rows top
/// to bottom. Drawing outside the canvas is clipped, never an error, so layouts may overhang.
///
/// ```swift
/// var canvas = try Canvas(width: 200, height: 100)
/// canvas.fill(PixelRect(x: 10, y: 10, width: 50, height: 30), color: .blue)
/// canvas.drawText("conv1 · 6 maps", at: PixelPoint(x: 10, y: 60), color: .black)
/// try canvas.writePNG(to: URL(fileURLWithPath: "picture.png"))
/// ```
public struct Canvas: Equatable, Sendable {
  public let width: Int
  public let height: Int
  /// width·height·3 bytes: R, G, B of each pixel, row after row.
  public private(set) var pixels: [UInt8]

  /// The largest side and pixel count accepted (the latter 2²⁶, 192 MiB of RGB), so that a
  /// layout mistake cannot ask for gigabytes.
  public static let maximumSide = 16384
  public static let maximumPixelCount = 1 << 26

  /// A canvas filled with `background`.
  /// - Throws: `DrawError` unless both sides are 1…`maximumSide` and the canvas has at most
  ///   `maximumPixelCount` pixels.
  public init(width: Int, height: Int, background: RGBColor = .white) throws {
    for (name, value) in [("width", width), ("height", height)]
    where !(1...Canvas.maximumSide).contains(value) {
      throw DrawError("canvas", "\(name) \(value), expected 1…\(Canvas.maximumSide)")
    }
    guard width * height <= Canvas.maximumPixelCount else {
      throw DrawError(
        "canvas",
        "\(width)×\(height) is \(width * height) pixels, expected at most \(Canvas.maximumPixelCount)")
    }
    self.width = width
    self.height = height
    pixels = [UInt8](repeating: 0, count: width * height * 3)
    fill(bounds, color: background)
  }

  /// The whole canvas as a rectangle.
  public var bounds: PixelRect { PixelRect(x: 0, y: 0, width: width, height: height) }

  /// The colour at (x, y), or nil outside the canvas.
  public func pixel(x: Int, y: Int) -> RGBColor? {
    guard x >= 0 && x < width && y >= 0 && y < height else { return nil }
    let i = (y * width + x) * 3
    return RGBColor(red: pixels[i], green: pixels[i + 1], blue: pixels[i + 2])
  }

  /// Sets the pixel at (x, y); ignored outside the canvas.
  @inline(__always)
  public mutating func setPixel(x: Int, y: Int, color: RGBColor) {
    guard x >= 0 && x < width && y >= 0 && y < height else { return }
    let i = (y * width + x) * 3
    pixels[i] = color.red
    pixels[i + 1] = color.green
    pixels[i + 2] = color.blue
  }

  /// Mixes `color` into the pixel at (x, y) with opacity `alpha` in [0, 1].
  @inline(__always)
  public mutating func blendPixel(x: Int, y: Int, color: RGBColor, alpha: Float) {
    guard x >= 0 && x < width && y >= 0 && y < height else { return }
    if alpha >= 1 {
      setPixel(x: x, y: y, color: color)
      return
    }
    guard alpha > 0 else { return }
    let i = (y * width + x) * 3
    let old = RGBColor(red: pixels[i], green: pixels[i + 1], blue: pixels[i + 2])
    let new = old.mixed(with: color, fraction: alpha)
    pixels[i] = new.red
    pixels[i + 1] = new.green
    pixels[i + 2] = new.blue
  }

  /// Fills `rect` (clipped to the canvas) with `color`, mixed in with opacity `alpha`.
  public mutating func fill(_ rect: PixelRect, color: RGBColor, alpha: Float = 1) {
    let area = rect.intersection(bounds)
    guard !area.isEmpty else { return }
    if alpha < 1 {
      for y in area.y..<area.maxY {
        for x in area.x..<area.maxX { blendPixel(x: x, y: y, color: color, alpha: alpha) }
      }
      return
    }
    pixels.withUnsafeMutableBufferPointer { buffer in
      for y in area.y..<area.maxY {
        var i = (y * width + area.x) * 3
        for _ in 0..<area.width {
          buffer[i] = color.red
          buffer[i + 1] = color.green
          buffer[i + 2] = color.blue
          i += 3
        }
      }
    }
  }

  /// Draws the outline of `rect`, `thickness` pixels wide, inside the rectangle.
  public mutating func strokeRectangle(_ rect: PixelRect, color: RGBColor, thickness: Int = 1) {
    guard !rect.isEmpty, thickness >= 1 else { return }
    let t = min(thickness, (min(rect.width, rect.height) + 1) / 2)
    fill(PixelRect(x: rect.x, y: rect.y, width: rect.width, height: t), color: color)
    fill(PixelRect(x: rect.x, y: rect.maxY - t, width: rect.width, height: t), color: color)
    fill(PixelRect(x: rect.x, y: rect.y, width: t, height: rect.height), color: color)
    fill(PixelRect(x: rect.maxX - t, y: rect.y, width: t, height: rect.height), color: color)
  }

  /// Draws a straight line from `start` to `end` (both included), `thickness` pixels wide:
  /// Bresenham's line with a thickness×thickness square stamped at each step. Parts far off
  /// the canvas are cut away first, so a line to a huge coordinate costs no more than one
  /// across the canvas.
  public mutating func drawLine(
    from start: PixelPoint, to end: PixelPoint, color: RGBColor, thickness: Int = 1
  ) {
    guard thickness >= 1, let (start, end) = clipped(start, end, margin: thickness) else { return }
    let before = (thickness - 1) / 2
    let dx = abs(end.x - start.x)
    let dy = -abs(end.y - start.y)
    let stepX = start.x < end.x ? 1 : -1
    let stepY = start.y < end.y ? 1 : -1
    var error = dx + dy
    var x = start.x
    var y = start.y
    while true {
      if thickness == 1 {
        setPixel(x: x, y: y, color: color)
      } else {
        fill(
          PixelRect(x: x - before, y: y - before, width: thickness, height: thickness),
          color: color)
      }
      if x == end.x && y == end.y { break }
      let doubled = 2 * error
      if doubled >= dy {
        error += dy
        x += stepX
      }
      if doubled <= dx {
        error += dx
        y += stepY
      }
    }
  }

  /// The part of the segment inside the canvas grown by `margin` on every side (Liang–Barsky),
  /// endpoints rounded to pixels; the segment itself when both ends are inside; nil when no
  /// part is inside.
  private func clipped(
    _ a: PixelPoint, _ b: PixelPoint, margin: Int
  ) -> (PixelPoint, PixelPoint)? {
    let (xMin, xMax) = (-margin, width - 1 + margin)
    let (yMin, yMax) = (-margin, height - 1 + margin)
    func inside(_ p: PixelPoint) -> Bool { p.x >= xMin && p.x <= xMax && p.y >= yMin && p.y <= yMax }
    if inside(a) && inside(b) { return (a, b) }
    let (x0, y0) = (Double(a.x), Double(a.y))
    let (dx, dy) = (Double(b.x) - x0, Double(b.y) - y0)
    var t0 = 0.0
    var t1 = 1.0
    for (p, q) in [
      (-dx, x0 - Double(xMin)), (dx, Double(xMax) - x0), (-dy, y0 - Double(yMin)),
      (dy, Double(yMax) - y0),
    ] {
      if p == 0 {
        if q < 0 { return nil }  // parallel to this edge and outside it
        continue
      }
      let r = q / p
      if p < 0 {
        if r > t1 { return nil }
        t0 = max(t0, r)
      } else {
        if r < t0 { return nil }
        t1 = min(t1, r)
      }
    }
    func point(_ t: Double) -> PixelPoint {
      PixelPoint(x: Int((x0 + t * dx).rounded()), y: Int((y0 + t * dy).rounded()))
    }
    return (point(t0), point(t1))
  }

  /// Draws line segments through `points` in order.
  public mutating func drawPolyline(_ points: [PixelPoint], color: RGBColor, thickness: Int = 1) {
    guard let first = points.first else { return }
    if points.count == 1 { drawLine(from: first, to: first, color: color, thickness: thickness) }
    for (a, b) in zip(points, points.dropFirst()) {
      drawLine(from: a, to: b, color: color, thickness: thickness)
    }
  }

  /// Mixes `overlay` into this canvas with its top-left corner at `origin` and opacity `alpha`.
  public mutating func blend(_ overlay: Canvas, at origin: PixelPoint, alpha: Float = 1) {
    let area = PixelRect(x: origin.x, y: origin.y, width: overlay.width, height: overlay.height)
      .intersection(bounds)
    guard !area.isEmpty else { return }
    for y in area.y..<area.maxY {
      for x in area.x..<area.maxX {
        let i = ((y - origin.y) * overlay.width + (x - origin.x)) * 3
        let color = RGBColor(
          red: overlay.pixels[i], green: overlay.pixels[i + 1], blue: overlay.pixels[i + 2])
        blendPixel(x: x, y: y, color: color, alpha: alpha)
      }
    }
  }

  /// The canvas as a 3-channel `Image` (values v/255), e.g. to feed it to a network or to
  /// compare pixels.
  public func image() -> Image {
    let plane = width * height
    var values = [Float](repeating: 0, count: plane * 3)
    for i in 0..<plane {
      for c in 0..<3 { values[c * plane + i] = Float(pixels[i * 3 + c]) / 255 }
    }
    return Image(width: width, height: height, channels: 3, pixels: values)
  }

  /// The canvas as an RGB PNG file.
  /// - Parameter level: the zlib level, 0 (store) … 9; 6 is the usual default.
  public func pngData(level: Int = 6) -> Data {
    do {
      return Data(
        try PNGEncoder.encode(
          width: width, height: height, colorType: .rgb, samples: pixels, level: level))
    } catch {
      // The initialiser checked the size and `pixels` always holds width·height·3 bytes.
      preconditionFailure("Canvas.pngData: \(error)")
    }
  }

  /// Writes the canvas as a PNG file, atomically: readers see the old file or the new one,
  /// never part of it.
  /// - Throws: `DrawError` naming the file when the directory is missing or not writable.
  public func writePNG(to url: URL, level: Int = 6) throws {
    do {
      try AtomicFileWrite.write(pngData(level: level), to: url)
    } catch let failure as AtomicWriteError {
      throw DrawError(failure.path, failure.reason)
    }
  }
}
