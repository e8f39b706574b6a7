/// Text in the embedded bitmap font.
extension Canvas {
  /// Where `drawText`'s point sits on the text's box.
  public struct TextAnchor: Equatable, Sendable {
    public enum Horizontal: Sendable { case left, center, right }
    public enum Vertical: Sendable { case top, middle, bottom }
    public var horizontal: Horizontal
    public var vertical: Vertical

    public init(_ horizontal: Horizontal, _ vertical: Vertical) {
      self.horizontal = horizontal
      self.vertical = vertical
    }

    public static let topLeft = TextAnchor(.left, .top)
    public static let topCenter = TextAnchor(.center, .top)
    public static let topRight = TextAnchor(.right, .top)
    public static let centerLeft = TextAnchor(.left, .middle)
    public static let center = TextAnchor(.center, .middle)
    public static let centerRight = TextAnchor(.right, .middle)
    public static let bottomLeft = TextAnchor(.left, .bottom)
    public static let bottomCenter = TextAnchor(.center, .bottom)
    public static let bottomRight = TextAnchor(.right, .bottom)
  }

  /// The size in pixels `text` takes at `scale` (each font pixel drawn as scale×scale); lines
  /// are split at "\n". See `BitmapFont.textSize`.
  public static func textSize(_ text: String, scale: Int = 1) -> (width: Int, height: Int) {
    BitmapFont.standard.textSize(text, scale: scale)
  }

  /// The size in pixels `text` takes at `scale`; same as `Canvas.textSize(_:scale:)`.
  public func textSize(_ text: String, scale: Int = 1) -> (width: Int, height: Int) {
    Canvas.textSize(text, scale: scale)
  }

  /// Draws `text` in the embedded 5×7 font, each font pixel a scale×scale block, with the
  /// text box's `anchor` point at `point` (by default the box's top-left corner). Lines are
  /// split at "\n" and aligned by the anchor's horizontal part. Characters the font lacks are
  /// drawn as a hollow box.
  public mutating func drawText(
    _ text: String, at point: PixelPoint, color: RGBColor, scale: Int = 1,
    anchor: TextAnchor = .topLeft
  ) {
    let font = BitmapFont.standard
    let scale = max(scale, 1)
    let size = font.textSize(text, scale: scale)
    var top = point.y
    switch anchor.vertical {
    case .top: break
    case .middle: top -= size.height / 2
    case .bottom: top -= size.height
    }
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let lineWidth = font.lineWidth(line.count, scale: scale)
      var left = point.x
      switch anchor.horizontal {
      case .left: break
      case .center: left -= lineWidth / 2
      case .right: left -= lineWidth
      }
      for character in line {
        drawGlyph(font.glyph(for: character), x: left, y: top, color: color, scale: scale)
        left += font.advance * scale
      }
      top += font.lineHeight * scale
    }
  }

  /// Draws `text` turned 90° counter-clockwise (reading bottom to top, as a y-axis title),
  /// with the turned box's `anchor` point at `point` (the turned box is as wide as the text is
  /// tall and as tall as the text is wide).
  public mutating func drawVerticalText(
    _ text: String, at point: PixelPoint, color: RGBColor, scale: Int = 1,
    anchor: TextAnchor = .center
  ) {
    let size = Canvas.textSize(text, scale: scale)
    guard size.width > 0, size.height > 0,
      var strip = try? Canvas(width: size.width, height: size.height, background: .white)
    else { return }
    // Draw black on white into a strip, then copy its inked pixels turned onto self.
    strip.drawText(text, at: PixelPoint(x: 0, y: 0), color: .black, scale: scale)
    var left = point.x
    var top = point.y
    switch anchor.horizontal {
    case .left: break
    case .center: left -= size.height / 2
    case .right: left -= size.height
    }
    switch anchor.vertical {
    case .top: break
    case .middle: top -= size.width / 2
    case .bottom: top -= size.width
    }
    // Counter-clockwise: the strip's column sx becomes row width − 1 − sx, its row sy column sy.
    for sy in 0..<size.height {
      for sx in 0..<size.width where strip.pixels[(sy * size.width + sx) * 3] == 0 {
        setPixel(x: left + sy, y: top + size.width - 1 - sx, color: color)
      }
    }
  }

  private mutating func drawGlyph(_ rows: [UInt8], x: Int, y: Int, color: RGBColor, scale: Int) {
    let font = BitmapFont.standard
    for (row, bits) in rows.enumerated() where bits != 0 {
      for column in 0..<font.glyphWidth where bits & (1 << UInt8(font.glyphWidth - 1 - column)) != 0 {
        if scale == 1 {
          setPixel(x: x + column, y: y + row, color: color)
        } else {
          fill(
            PixelRect(x: x + column * scale, y: y + row * scale, width: scale, height: scale),
            color: color)
        }
      }
    }
  }
}
