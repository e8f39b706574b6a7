/// Maps a number in [0, 1] to a colour: piecewise-linear between colour stops, looked up in a
/// 256-entry table (finer than the 8-bit colours it produces).
public struct Colormap: Sendable {
  /// A short name ("gray", "viridis", …) for legends and reports.
  public let name: String
  /// 256 colours for t = 0, 1/255, …, 1.
  public let table: [RGBColor]

  /// A colour map through `stops` at positions 0 ≤ p₀ < p₁ < … ≤ 1 (values below p₀ take the
  /// first colour, above the last position the last colour).
  public init(name: String, stops: [(position: Float, color: RGBColor)]) {
    self.name = name
    var table: [RGBColor] = []
    table.reserveCapacity(256)
    for i in 0..<256 {
      let t = Float(i) / 255
      guard let upper = stops.firstIndex(where: { $0.position >= t }) else {
        table.append(stops.last?.color ?? .black)
        continue
      }
      if upper == 0 {
        table.append(stops[0].color)
        continue
      }
      let (p0, c0) = stops[upper - 1]
      let (p1, c1) = stops[upper]
      table.append(c0.mixed(with: c1, fraction: p1 > p0 ? (t - p0) / (p1 - p0) : 1))
    }
    self.table = table
  }

  /// A colour map through colours spaced evenly over [0, 1].
  public init(name: String, evenlySpaced colors: [RGBColor]) {
    let last = Float(max(colors.count - 1, 1))
    self.init(
      name: name,
      stops: colors.enumerated().map { (position: Float($0.offset) / last, color: $0.element) })
  }

  /// The colour for `t` (clamped to [0, 1]; NaN gives the colour of 0).
  @inline(__always)
  public func color(at t: Float) -> RGBColor {
    table[Colormap.index(t)]
  }

  @inline(__always)
  static func index(_ t: Float) -> Int {
    guard t > 0 else { return 0 }
    guard t < 1 else { return 255 }
    return Int(t * 255 + 0.5)
  }

  /// Black to white.
  public static let gray = Colormap(name: "gray", evenlySpaced: [.black, .white])

  /// Dark purple through blue and green to yellow: perceptually uniform and readable in grey
  /// and by colour-blind people. Stops: matplotlib's viridis (van der Walt and Smith, CC0)
  /// sampled at 33 points; linear interpolation between them stays within 2.5/255 of it.
  public static let viridis = Colormap(
    name: "viridis",
    evenlySpaced: [
      0x440154, 0x470D60, 0x48186A, 0x482374, 0x472D7B, 0x453781, 0x424086, 0x3E4989,
      0x3B528B, 0x375B8D, 0x33638D, 0x2F6B8E, 0x2C728E, 0x297A8E, 0x26828E, 0x23898E,
      0x21918C, 0x1F988B, 0x1FA088, 0x22A785, 0x28AE80, 0x32B67A, 0x3FBC73, 0x4EC36B,
      0x5EC962, 0x70CF57, 0x84D44B, 0x98D83E, 0xADDC30, 0xC2DF23, 0xD8E219, 0xECE51B,
      0xFDE725,
    ].map { RGBColor(hex: $0) })

  /// Diverging blue – white – red for signed values (weights, gradients): 0.5 is near-white,
  /// so use it with `DisplayRange.symmetric` to put zero there. Stops: ColorBrewer's RdBu
  /// (Cynthia Brewer), reversed so that negative is blue, as matplotlib's "RdBu_r".
  public static let blueWhiteRed = Colormap(
    name: "blue-white-red",
    evenlySpaced: [
      0x053061, 0x175290, 0x2A71B2, 0x3F8EC0, 0x6BACD1, 0x9BC9E0, 0xC2DDEC, 0xE0ECF3,
      0xF7F6F6, 0xFBE5D8, 0xFBCCB4, 0xF5AA89, 0xE48066, 0xD05548, 0xBA2832, 0x930E26,
      0x67001F,
    ].map { RGBColor(hex: $0) })

  /// Dark blue – cyan – yellow – dark red, the "jet" map Grad-CAM pictures are usually shown
  /// with (r, g, b = clamp(1.5 − |4t − 3|), clamp(1.5 − |4t − 2|), clamp(1.5 − |4t − 1|)).
  public static let jet = Colormap(
    name: "jet",
    stops: [
      (0, RGBColor(unitRed: 0, green: 0, blue: 0.5)), (0.125, RGBColor(hex: 0x0000FF)),
      (0.375, RGBColor(hex: 0x00FFFF)), (0.625, RGBColor(hex: 0xFFFF00)),
      (0.875, RGBColor(hex: 0xFF0000)), (1, RGBColor(unitRed: 0.5, green: 0, blue: 0)),
    ])
}
