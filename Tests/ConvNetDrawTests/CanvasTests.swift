import ConvNetDraw
import ConvNetImage
import Foundation
import XCTest

/// Canvas primitives: every expected pixel below is worked out by hand from the definitions.
final class CanvasTests: XCTestCase {
  func testBadSizesThrow() {
    XCTAssertThrowsError(try Canvas(width: 0, height: 5)) { error in
      XCTAssertEqual("\(error)", "canvas: width 0, expected 1…16384")
    }
    XCTAssertThrowsError(try Canvas(width: 5, height: 20000)) { error in
      XCTAssertEqual("\(error)", "canvas: height 20000, expected 1…16384")
    }
    XCTAssertThrowsError(try Canvas(width: 16384, height: 4097)) { error in
      XCTAssertEqual(
        "\(error)", "canvas: 16384×4097 is 67125248 pixels, expected at most 67108864")
    }
  }

  func testPixelsFillAndClipping() throws {
    var canvas = try Canvas(width: 4, height: 3, background: .black)
    XCTAssertEqual(canvas.pixels.count, 36)
    XCTAssertEqual(canvas.pixel(x: 3, y: 2), .black)
    XCTAssertNil(canvas.pixel(x: 4, y: 0))
    XCTAssertNil(canvas.pixel(x: 0, y: -1))
    canvas.setPixel(x: 9, y: 9, color: .white)  // ignored
    canvas.fill(PixelRect(x: 2, y: -5, width: 10, height: 7), color: .white)  // rows 0–1, x 2–3
    XCTAssertEqual(ink(canvas, .white), ["..##", "..##", "...."])
    canvas.fill(PixelRect(x: 0, y: 2, width: 1, height: 1), color: .white, alpha: 0.5)
    XCTAssertEqual(canvas.pixel(x: 0, y: 2), RGBColor(red: 128, green: 128, blue: 128))
  }

  func testRectangleOutline() throws {
    var canvas = try Canvas(width: 6, height: 5)
    canvas.strokeRectangle(PixelRect(x: 1, y: 0, width: 5, height: 4), color: .black)
    XCTAssertEqual(ink(canvas, .black), [".#####", ".#...#", ".#...#", ".#####", "......"])
    var thick = try Canvas(width: 6, height: 6)
    thick.strokeRectangle(PixelRect(x: 0, y: 0, width: 6, height: 6), color: .black, thickness: 2)
    XCTAssertEqual(ink(thick, .black), ["######", "######", "##..##", "##..##", "######", "######"])
  }

  func testLines() throws {
    var canvas = try Canvas(width: 7, height: 4)
    canvas.drawLine(from: PixelPoint(x: 0, y: 0), to: PixelPoint(x: 6, y: 3), color: .black)
    // Bresenham from (0,0) to (6,3): y steps up every second column.
    XCTAssertEqual(ink(canvas, .black), ["#......", ".##....", "...##..", ".....##"])
    var thick = try Canvas(width: 7, height: 5)
    thick.drawLine(
      from: PixelPoint(x: 1, y: 2), to: PixelPoint(x: 5, y: 2), color: .black, thickness: 3)
    XCTAssertEqual(ink(thick, .black), [".......", "#######", "#######", "#######", "......."])
    // Far off the canvas: nothing drawn, and no long loop.
    thick.drawLine(
      from: PixelPoint(x: -1_000_000_000, y: -5), to: PixelPoint(x: -999_000_000, y: -9),
      color: .red)
    XCTAssertEqual(ink(thick, .red), [String](repeating: ".......", count: 5))
    // From far off the canvas onto it: only the part on the canvas is walked (a billion steps
    // otherwise), and it lands on the same pixels.
    var entering = try Canvas(width: 7, height: 3)
    entering.drawLine(
      from: PixelPoint(x: -1_000_000_000, y: 1), to: PixelPoint(x: 3, y: 1), color: .black)
    XCTAssertEqual(ink(entering, .black), [".......", "####...", "......."])
  }

  func testMapNearestAndBilinear() throws {
    let map = try ScalarMap(width: 2, height: 2, values: [0, 1, 2, 3])
    var canvas = try Canvas(width: 4, height: 4)
    canvas.drawMap(map, in: canvas.bounds, colormap: .gray, range: .minMax)
    // minMax sends 0…3 to 0…1; grey levels round(255·v/3) = 0, 85, 170, 255, each 2×2.
    XCTAssertEqual(
      redChannel(canvas),
      [[0, 0, 85, 85], [0, 0, 85, 85], [170, 170, 255, 255], [170, 170, 255, 255]])

    // Bilinear, 2×1 → 4×1: pixel centres sample source x = 0 (clamped), 0.25, 0.75, 1 (clamped),
    // i.e. grey levels 0, 0.25·255 → 64, 0.75·255 → 191, 255.
    let row = try ScalarMap(width: 2, height: 1, values: [-1, 1])
    var wide = try Canvas(width: 4, height: 1)
    wide.drawMap(row, in: wide.bounds, interpolation: .bilinear)
    XCTAssertEqual(redChannel(wide), [[0, 64, 191, 255]])

    // A fixed range clamps; a constant map under minMax is the colour of 0.
    var fixed = try Canvas(width: 2, height: 1)
    fixed.drawMap(row, in: fixed.bounds, range: .fixed(low: 0, high: 2))
    XCTAssertEqual(redChannel(fixed), [[0, 128]])
    var flat = try Canvas(width: 1, height: 1)
    flat.drawMap(try ScalarMap(width: 1, height: 1, values: [7]), in: flat.bounds)
    XCTAssertEqual(flat.pixel(x: 0, y: 0), .black)

    XCTAssertThrowsError(try ScalarMap(width: 2, height: 2, values: [1, 2, 3])) { error in
      XCTAssertEqual("\(error)", "map: 3 values for a 2×2 map, expected 4")
    }
  }

  func testSymmetricRangeCentresZero() throws {
    let weights = try ScalarMap(width: 3, height: 1, values: [-2, 0, 1])
    var canvas = try Canvas(width: 3, height: 1)
    canvas.drawMap(weights, in: canvas.bounds, colormap: .blueWhiteRed, range: .symmetric)
    // m = 2: −2 → 0 (the first stop), 0 → 0.5, 1 → 0.75.
    XCTAssertEqual(canvas.pixel(x: 0, y: 0), RGBColor(hex: 0x053061))
    XCTAssertEqual(canvas.pixel(x: 1, y: 0), Colormap.blueWhiteRed.color(at: 0.5))
    XCTAssertEqual(canvas.pixel(x: 2, y: 0), Colormap.blueWhiteRed.color(at: 0.75))
  }

  func testColormaps() {
    XCTAssertEqual(Colormap.gray.color(at: 0), .black)
    XCTAssertEqual(Colormap.gray.color(at: 1), .white)
    XCTAssertEqual(Colormap.gray.color(at: .nan), .black)
    XCTAssertEqual(Colormap.gray.color(at: 7), .white)
    XCTAssertEqual(Colormap.viridis.color(at: 0), RGBColor(hex: 0x440154))
    XCTAssertEqual(Colormap.viridis.color(at: 1), RGBColor(hex: 0xFDE725))
    // Index 128 is t = 128/255, 6 % of the way from stop 16 (#21918C) to stop 17 (#1F988B):
    // green 145 + 0.06 · 7 rounds to 145.
    XCTAssertEqual(Colormap.viridis.color(at: 0.5), RGBColor(red: 33, green: 145, blue: 140))
    XCTAssertEqual(Colormap.blueWhiteRed.color(at: 1), RGBColor(hex: 0x67001F))
    // Jet: (clamp(1.5 − |4t − 3|), clamp(1.5 − |4t − 2|), clamp(1.5 − |4t − 1|)).
    for i in stride(from: 0, through: 255, by: 15) {
      let t = Float(i) / 255
      func channel(_ k: Float) -> Int { Int((min(max(1.5 - abs(4 * t - k), 0), 1) * 255).rounded()) }
      let color = Colormap.jet.color(at: t)
      XCTAssertEqual(Int(color.red), channel(3), accuracy: 1, "t = \(t)")
      XCTAssertEqual(Int(color.green), channel(2), accuracy: 1, "t = \(t)")
      XCTAssertEqual(Int(color.blue), channel(1), accuracy: 1, "t = \(t)")
    }
  }

  func testDrawImage() throws {
    // RGB 2×1 (planar: R plane, G plane, B plane) drawn at 4×2, nearest: each source pixel
    // becomes a 2×2 block.
    let rgb = Image(width: 2, height: 1, channels: 3, pixels: [1, 0, 0, 1, 0, 0.2])
    var canvas = try Canvas(width: 4, height: 2)
    canvas.drawImage(rgb, in: canvas.bounds, interpolation: .nearest)
    XCTAssertEqual(canvas.pixel(x: 1, y: 1), RGBColor(red: 255, green: 0, blue: 0))
    XCTAssertEqual(canvas.pixel(x: 2, y: 0), RGBColor(red: 0, green: 255, blue: 51))
    // RGBA at half opacity over white: (255 + 0)/2 → 128 for the black pixel.
    let rgba = Image(width: 1, height: 1, channels: 4, pixels: [0, 0, 0, 0.5])
    var white = try Canvas(width: 1, height: 1)
    white.drawImage(rgba, in: white.bounds)
    XCTAssertEqual(white.pixel(x: 0, y: 0), RGBColor(red: 128, green: 128, blue: 128))
    // A grey image through viridis; drawn partly off the canvas (clipped).
    let grey = Image(width: 1, height: 1, channels: 1, pixels: [1])
    var clipped = try Canvas(width: 2, height: 2)
    clipped.drawImage(grey, in: PixelRect(x: 1, y: 1, width: 5, height: 5), colormap: .viridis)
    XCTAssertEqual(clipped.pixel(x: 1, y: 1), RGBColor(hex: 0xFDE725))
    XCTAssertEqual(clipped.pixel(x: 0, y: 0), .white)
  }

  func testColorBar() throws {
    var canvas = try Canvas(width: 3, height: 4)
    canvas.drawColorBar(.gray, in: PixelRect(x: 1, y: 0, width: 2, height: 4))
    // Four steps at t = 1/8, 3/8, 5/8, 7/8 from the bottom: grey levels 32, 96, 159, 223
    // (t·255 rounded to the colour map's 256-entry table).
    XCTAssertEqual(redChannel(canvas).map { $0[2] }, [223, 159, 96, 32])
    XCTAssertEqual(canvas.pixel(x: 0, y: 0), .white)
    var wide = try Canvas(width: 2, height: 1)
    wide.drawColorBar(.gray, in: wide.bounds, vertical: false)
    XCTAssertEqual(redChannel(wide), [[64, 191]])
  }

  func testBlendOverlay() throws {
    var base = try Canvas(width: 3, height: 1, background: .black)
    let overlay = try Canvas(width: 2, height: 1, background: RGBColor(red: 200, green: 100, blue: 0))
    base.blend(overlay, at: PixelPoint(x: 2, y: 0), alpha: 0.25)
    XCTAssertEqual(base.pixel(x: 1, y: 0), .black)
    XCTAssertEqual(base.pixel(x: 2, y: 0), RGBColor(red: 50, green: 25, blue: 0))
  }

  func testPNGRoundTripAndAtomicWrite() throws {
    var canvas = try Canvas(width: 40, height: 30)
    canvas.drawMap(
      try ScalarMap(width: 5, height: 5, values: (0..<25).map(Float.init)),
      in: PixelRect(x: 2, y: 2, width: 25, height: 25), colormap: .viridis)
    canvas.drawText("Hi", at: PixelPoint(x: 28, y: 3), color: .red)
    let decoded = try PNGDecoder.decode(canvas.pngData(), name: "canvas")
    XCTAssertEqual(decoded, canvas.image())

    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("convnet-draw-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("picture.png")
    try canvas.writePNG(to: url)
    XCTAssertEqual(try PNGDecoder.decode(Data(contentsOf: url), name: "picture.png"), canvas.image())
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["picture.png"])

    let missing = directory.appendingPathComponent("no/such/dir/x.png")
    XCTAssertThrowsError(try canvas.writePNG(to: missing)) { error in
      XCTAssertTrue("\(error)".hasPrefix(missing.path + ": cannot create a temporary file"), "\(error)")
    }
  }
}

/// Each row as a string: '#' where the pixel is `color`, '.' elsewhere.
func ink(_ canvas: Canvas, _ color: RGBColor) -> [String] {
  (0..<canvas.height).map { y in
    String((0..<canvas.width).map { x in canvas.pixel(x: x, y: y) == color ? "#" : "." })
  }
}

func redChannel(_ canvas: Canvas) -> [[Int]] {
  (0..<canvas.height).map { y in (0..<canvas.width).map { x in Int(canvas.pixel(x: x, y: y)!.red) } }
}
