/// An opaque 8-bit sRGB colour.
public struct RGBColor: Equatable, Hashable, Sendable {
  public var red: UInt8
  public var green: UInt8
  public var blue: UInt8

  public init(red: UInt8, green: UInt8, blue: UInt8) {
    self.red = red
    self.green = green
    self.blue = blue
  }

  /// A colour written as 0xRRGGBB, e.g. `RGBColor(hex: 0x21918C)`.
  public init(hex: UInt32) {
    self.init(
      red: UInt8((hex >> 16) & 0xFF), green: UInt8((hex >> 8) & 0xFF), blue: UInt8(hex & 0xFF))
  }

  /// A colour from components in [0, 1] (clamped; NaN is 0).
  public init(unitRed red: Float, green: Float, blue: Float) {
    self.init(red: RGBColor.byte(red), green: RGBColor.byte(green), blue: RGBColor.byte(blue))
  }

  /// A grey of the given level in [0, 1].
  public init(gray level: Float) {
    self.init(unitRed: level, green: level, blue: level)
  }

  /// `self` mixed with `other`: `fraction` 0 gives `self`, 1 gives `other`.
  public func mixed(with other: RGBColor, fraction: Float) -> RGBColor {
    let t = fraction.isNaN ? 0 : min(max(fraction, 0), 1)
    func mix(_ a: UInt8, _ b: UInt8) -> UInt8 {
      UInt8((Float(a) + (Float(b) - Float(a)) * t).rounded())
    }
    return RGBColor(
      red: mix(red, other.red), green: mix(green, other.green), blue: mix(blue, other.blue))
  }

  /// "#rrggbb", as HTML and SVG write colours.
  public var hexString: String {
    let digits = Array("0123456789abcdef")
    var text = "#"
    for byte in [red, green, blue] {
      text.append(digits[Int(byte >> 4)])
      text.append(digits[Int(byte & 0xF)])
    }
    return text
  }

  public static let black = RGBColor(hex: 0x000000)
  public static let white = RGBColor(hex: 0xFFFFFF)
  public static let gray = RGBColor(hex: 0x808080)
  public static let lightGray = RGBColor(hex: 0xD3D3D3)
  public static let darkGray = RGBColor(hex: 0x404040)
  public static let red = RGBColor(hex: 0xD62728)
  public static let green = RGBColor(hex: 0x2CA02C)
  public static let blue = RGBColor(hex: 0x1F77B4)
  public static let orange = RGBColor(hex: 0xFF7F0E)
  public static let purple = RGBColor(hex: 0x9467BD)

  /// Ten colours that stay distinguishable side by side (matplotlib's "tab10"), for series in
  /// charts and legends.
  public static let series: [RGBColor] = [
    0x1F77B4, 0xFF7F0E, 0x2CA02C, 0xD62728, 0x9467BD, 0x8C564B, 0xE377C2, 0x7F7F7F, 0xBCBD22,
    0x17BECF,
  ].map { RGBColor(hex: $0) }

  /// The byte nearest to `value` · 255, `value` clamped to [0, 1] (NaN → 0).
  @inline(__always)
  static func byte(_ value: Float) -> UInt8 {
    guard value > 0 else { return 0 }
    guard value < 1 else { return 255 }
    return UInt8((value * 255).rounded())
  }
}
