import ConvNetDraw
import ConvNetImage
import Foundation
import XCTest

/// TileGrid layout, worked out by hand from its rules: whole-factor scaling up to `tileSize`,
/// cells as large as the largest tile (or its label, up to twice the tile), about square.
final class TileGridTests: XCTestCase {
  /// A 28×28 map whose values run from `low` (top-left) to `high` (bottom-right).
  func ramp(_ low: Float, _ high: Float) throws -> ScalarMap {
    try ScalarMap(
      width: 28, height: 28,
      values: (0..<784).map { low + (high - low) * Float($0) / 783 })
  }

  func testSixMapsLayout() throws {
    var grid = TileGrid(title: "conv1")
    for c in 0..<6 { grid.append(.map(try ramp(Float(c) * 100, Float(c) * 100 + 1)), label: "\(c)") }
    let canvas = try grid.render()
    // 28 px maps at tileSize 64 are drawn ×2 = 56 px; labels are 13 px (9 + 4) below them.
    // Columns: ⌈√(6 · (69 + 8) / (56 + 8))⌉ = ⌈2.69⌉ = 3, so 2 rows.
    // Width 8 + 3·56 + 2·8 + 8 = 200. Height: header 8 + 18 (title at scale 2) + 4 + 4 = 34,
    // then 2·69 + 8, then 8 → 188.
    XCTAssertEqual(canvas.width, 200)
    XCTAssertEqual(canvas.height, 188)
    // Each map is normalised by its own range: every tile's top-left is the colour of 0 and
    // its bottom-right the colour of 1, though the tiles' values differ by hundreds.
    for (x, y) in [(8, 34), (72, 34), (136, 34), (8, 111), (72, 111), (136, 111)] {
      XCTAssertEqual(canvas.pixel(x: x, y: y), Colormap.viridis.color(at: 0), "(\(x), \(y))")
      XCTAssertEqual(canvas.pixel(x: x + 55, y: y + 55), Colormap.viridis.color(at: 1))
      XCTAssertEqual(canvas.pixel(x: x - 1, y: y - 1), RGBColor(hex: 0xB0B0B0), "frame")
    }
    // The label "4" under tile 4: centred at x = 72 + 28, from y = 111 + 56 + 4 = 171.
    let label = (171..<180).flatMap { y in (95..<105).compactMap { canvas.pixel(x: $0, y: y) } }
    XCTAssertTrue(label.contains(RGBColor(hex: 0x202020)))
    XCTAssertFalse(
      (171..<180).flatMap { y in (72..<90).compactMap { canvas.pixel(x: $0, y: y) } }
        .contains(RGBColor(hex: 0x202020)), "nothing left of the label")
  }

  func testColumnsLabelsAndImages() throws {
    var grid = TileGrid(title: "", subtitle: "")
    grid.columns = 2
    grid.tileSize = 20
    // 3×2 RGB image (planar): ×6 → 18×12 px.
    let image = Image(
      width: 3, height: 2, channels: 3,
      pixels: [1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    grid.append(.image(image), label: "a rather long label")
    let wide = try ScalarMap(width: 40, height: 10, values: [Float](repeating: 0, count: 400))
    grid.append(.map(wide), label: "b")
    let single = try ScalarMap(width: 1, height: 1, values: [3])
    grid.append(.map(single, range: .fixed(low: 0, high: 3)), label: "")
    let canvas = try grid.render()
    // Tiles: 18×12, 40×10 shrunk to 20×5, 1×1 grown ×20 = 20×20 → cells 20 wide, 20 high,
    // widened by the long label (113 px) to twice the tile: 40. No header: 8 px margin.
    // Width 8 + 2·40 + 8 + 8 = 104; height 8 + 2·(20 + 13) + 8 + 8 = 90.
    XCTAssertEqual(canvas.width, 104)
    XCTAssertEqual(canvas.height, 90)
    // Image tile centred in cell 0: x 8 + (40 − 18)/2 = 19, y 8 + (20 − 12)/2 = 12; red.
    XCTAssertEqual(canvas.pixel(x: 19, y: 12), RGBColor(red: 255, green: 0, blue: 0))
    // The fixed-range 1×1 map (3 of 0…3) in cell 2: x 8 + 10 = 18, y 8 + 33 + 8 = 49; the top of
    // the colour map.
    XCTAssertEqual(canvas.pixel(x: 18, y: 49), Colormap.viridis.color(at: 1))
    XCTAssertThrowsError(try TileGrid(title: "empty").render()) { error in
      XCTAssertEqual("\(error)", "grid \"empty\": no tiles to draw")
    }
  }

  /// Writes sample pictures to $CONVNET_DRAW_SAMPLES (when set) for looking at by eye and for
  /// Fixtures/compare_png_sizes.py in ConvNetImageTests; $CONVNET_DRAW_PHOTO (a JPEG or PNG)
  /// adds a natural photo, re-encoded by PNGEncoder.
  func testSamplePictures() throws {
    var grid = TileGrid(
      title: "features.0 · conv 5×5 → 6×28×28",
      subtitle: "each map scaled to its own min…max (viridis)")
    for c in 0..<6 {
      let values = (0..<784).map { i -> Float in
        let (x, y) = (Float(i % 28), Float(i / 28))
        return sin(x * 0.2 * Float(c + 1)) + cos(y * 0.15 * Float(6 - c))
      }
      grid.append(.map(try ScalarMap(width: 28, height: 28, values: values)), label: "channel \(c)")
    }
    let picture = try grid.render()
    XCTAssertEqual(try PNGDecoder.decode(picture.pngData(), name: "grid").width, picture.width)

    var text = try Canvas(width: 360, height: 120)
    text.drawText(
      "The quick brown fox jumps over\nthe lazy dog. 0123456789 (x+y)*z\n{a:[1,2]} ±3° 28×28 → 5…9",
      at: PixelPoint(x: 6, y: 6), color: .black)
    text.drawText("Scale 2: Loss 0.0421", at: PixelPoint(x: 6, y: 50), color: .blue, scale: 2)
    text.drawVerticalText("accuracy", at: PixelPoint(x: 350, y: 60), color: .red)
    text.drawLine(
      from: PixelPoint(x: 6, y: 100), to: PixelPoint(x: 300, y: 80), color: .green, thickness: 3)

    guard let directory = ProcessInfo.processInfo.environment["CONVNET_DRAW_SAMPLES"] else { return }
    let folder = URL(fileURLWithPath: directory)
    try picture.writePNG(to: folder.appendingPathComponent("grid.png"))
    try text.writePNG(to: folder.appendingPathComponent("text.png"))
    try chartLikePicture().writePNG(to: folder.appendingPathComponent("chart.png"))
    try filterGrid().writePNG(to: folder.appendingPathComponent("filters.png"))
    if let photoPath = ProcessInfo.processInfo.environment["CONVNET_DRAW_PHOTO"] {
      let photo = try ImageDecoder.decode(contentsOf: URL(fileURLWithPath: photoPath))
      try Data(try PNGEncoder.encode(photo)).write(to: folder.appendingPathComponent("photo.png"))
      // A Grad-CAM-like overlay: the photo shrunk into 224×224, a blob in jet at 45 %.
      var overlay = try Canvas(width: 240, height: 262)
      let area = PixelRect(x: 8, y: 30, width: 224, height: 224)
      overlay.drawText("cam · overlay", at: PixelPoint(x: 120, y: 8), color: .black, anchor: .topCenter)
      overlay.drawImage(photo, in: area)
      var heat: [Float] = []
      for y in 0..<7 {
        for x in 0..<7 {
          let squared = Float((x - 3) * (x - 3) + (y - 2) * (y - 2))
          heat.append(exp(-squared / 3))
        }
      }
      let blob = try ScalarMap(width: 7, height: 7, values: heat)
      overlay.drawMap(blob, in: area, colormap: .jet, interpolation: .bilinear, alpha: 0.45)
      try overlay.writePNG(to: folder.appendingPathComponent("overlay.png"))
    }
  }

  /// Sixteen signed 5×5 kernels on the diverging map (zero is white), plus an RGB input tile.
  func filterGrid() throws -> Canvas {
    var grid = TileGrid(title: "conv1.weight", subtitle: "16 kernels 5×5, blue < 0 < red")
    grid.colormap = .blueWhiteRed
    grid.range = .symmetric
    grid.tileSize = 40
    var state: UInt64 = 9
    for k in 0..<16 {
      var values: [Float] = []
      for i in 0..<25 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        let slope = Float(k % 4) - 1.5
        let noise = Float(Int(state >> 60) - 8) / 8
        values.append(Float(i % 5 - 2) * slope + noise)
      }
      grid.append(.map(try ScalarMap(width: 5, height: 5, values: values)), label: "#\(k)")
    }
    let rgb = Image(
      width: 2, height: 2, channels: 3,
      pixels: [1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1])
    grid.append(.image(rgb), label: "input")
    return try grid.render()
  }

  /// Axes, grid lines, two noisy curves, tick labels and a legend: what training curves look
  /// like to the compressor (this is not the chart API, which lives above ConvNetDraw).
  func chartLikePicture() throws -> Canvas {
    var canvas = try Canvas(width: 640, height: 400)
    let plot = PixelRect(x: 60, y: 30, width: 560, height: 320)
    for i in 0...5 {
      let y = plot.y + plot.height * i / 5
      canvas.drawLine(
        from: PixelPoint(x: plot.x, y: y), to: PixelPoint(x: plot.maxX, y: y), color: .lightGray)
      canvas.drawText(
        String(format: "%.1f", 2.5 - 0.5 * Double(i)), at: PixelPoint(x: plot.x - 6, y: y),
        color: .black, anchor: .centerRight)
    }
    canvas.strokeRectangle(plot, color: .black)
    var state: UInt64 = 1
    for (series, color) in [RGBColor.blue, RGBColor.orange].enumerated() {
      var points: [PixelPoint] = []
      for step in 0..<280 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        let noise = Double(state >> 40) / Double(1 << 24) - 0.5
        let loss = 2.3 * exp(-Double(step) / Double(60 + 40 * series)) + 0.1 + 0.08 * noise
        points.append(PixelPoint(x: plot.x + step * 2, y: plot.maxY - Int(loss / 2.5 * 320)))
      }
      canvas.drawPolyline(points, color: color, thickness: 2)
      canvas.fill(PixelRect(x: 480, y: 44 + 16 * series, width: 14, height: 3), color: color)
      canvas.drawText(
        series == 0 ? "train loss" : "test loss", at: PixelPoint(x: 500, y: 41 + 16 * series),
        color: .black)
    }
    canvas.drawText("epoch", at: PixelPoint(x: 340, y: 370), color: .black, anchor: .topCenter)
    canvas.drawVerticalText("loss", at: PixelPoint(x: 18, y: 190), color: .black)
    canvas.drawText(
      "LeNet-5 on MNIST", at: PixelPoint(x: 340, y: 8), color: .black, scale: 2,
      anchor: .topCenter)
    return canvas
  }
}
