import ConvNetDraw
import XCTest

/// Pixels of small charts: where data lands, the legend's corner, heat-map cells and their ink.
final class ChartTests: XCTestCase {
  /// One red line from (0, 0) to (1, 1): it starts at the plot's bottom-left pixel, ends at its
  /// top-right one and passes through the middle; grid lines are light grey.
  func testLineChartPutsDataOnThePlotArea() throws {
    var chart = LineChart()
    chart.textScale = 1
    chart.series = [
      .init(name: "", points: [ChartPoint(x: 0, y: 0), ChartPoint(x: 1, y: 1)], color: .red, lineWidth: 1)
    ]
    let canvas = try chart.render(width: 220, height: 160)
    let plot = chart.plotArea(in: canvas.bounds)
    XCTAssertEqual(chart.ticks.x.values, [0, 0.2, 0.4, 0.6, 0.8, 1])
    XCTAssertEqual(canvas.pixel(x: plot.x, y: plot.maxY - 1), .red)
    XCTAssertEqual(canvas.pixel(x: plot.maxX - 1, y: plot.y), .red)
    let middle = PixelPoint(x: plot.x + (plot.width - 1) / 2, y: plot.maxY - 1 - (plot.height - 1) / 2)
    let nearby = (-1...1).flatMap { dx in
      (-1...1).map { dy in canvas.pixel(x: middle.x + dx, y: middle.y + dy) }
    }
    XCTAssertTrue(nearby.contains(.red))
    // The y = 0.6 grid line, left of the diagonal.
    let gridY = plot.maxY - 1 - Int((0.6 * Double(plot.height - 1)).rounded())
    XCTAssertEqual(canvas.pixel(x: plot.x + 3, y: gridY), RGBColor(hex: 0xE6E6E6))
    // Axis line left of the plot; white above the diagonal away from grid lines.
    XCTAssertEqual(canvas.pixel(x: plot.x - 1, y: plot.y + plot.height / 2), RGBColor(hex: 0x404040))
  }

  /// A rising diagonal fills the top-right and bottom-left corners: the legend goes top left.
  func testLegendAvoidsTheData() throws {
    var chart = LineChart()
    chart.textScale = 1
    let diagonal = (0...50).map { ChartPoint(x: Double($0) / 50, y: Double($0) / 50) }
    chart.series = [.init(name: "train", points: diagonal, color: .blue)]
    let canvas = try chart.render(width: 300, height: 200)
    let plot = chart.plotArea(in: canvas.bounds)
    let border = RGBColor(hex: 0xBBBBBB)
    func hasBorder(_ xs: Range<Int>, _ ys: Range<Int>) -> Bool {
      ys.contains { y in xs.contains { x in canvas.pixel(x: x, y: y) == border } }
    }
    let midX = plot.x + plot.width / 2
    let midY = plot.y + plot.height / 2
    XCTAssertTrue(hasBorder(plot.x..<midX, plot.y..<midY), "legend expected top left")
    XCTAssertFalse(hasBorder(midX..<plot.maxX, plot.y..<midY))
    XCTAssertFalse(hasBorder(plot.x..<midX, midY..<plot.maxY))
  }

  /// Cells coloured by value (the largest darkest), numbers in readable ink, √ scale on request.
  func testHeatmapCells() throws {
    var chart = try HeatmapChart(
      values: [[5, 0], [1, 3]], rowLabels: ["a", "b"], columnLabels: ["a", "b"])
    chart.title = "t"
    chart.rowTitle = "true"
    chart.columnTitle = "predicted"
    let canvas = try chart.render()
    XCTAssertEqual(canvas.width, chart.size.width)
    let darkest = HeatmapChart.blues.color(at: 1)
    let lightest = HeatmapChart.blues.color(at: 0)
    let big = chart.cellRect(row: 0, column: 0)
    let zero = chart.cellRect(row: 0, column: 1)
    XCTAssertEqual(canvas.pixel(x: big.x + 1, y: big.y + 1), darkest)
    XCTAssertEqual(canvas.pixel(x: zero.x + 1, y: zero.y + 1), lightest)
    func colors(in rect: PixelRect) -> Set<RGBColor> {
      Set((rect.y..<rect.maxY).flatMap { y in (rect.x..<rect.maxX).compactMap { canvas.pixel(x: $0, y: y) } })
    }
    XCTAssertTrue(colors(in: big).contains(.white), "the 5 on dark blue is written in white")
    XCTAssertTrue(colors(in: zero).contains(RGBColor(hex: 0x202020)), "the 0 on white is written in dark ink")
    XCTAssertEqual(chart.colorPosition(1), 0.2)
    chart.squareRootColors = true
    XCTAssertEqual(chart.colorPosition(1), Float(0.2.squareRoot()), accuracy: 1e-6)
    XCTAssertThrowsError(
      try HeatmapChart(values: [[1, 2], [3]], rowLabels: ["a", "b"], columnLabels: ["a", "b"]))
    XCTAssertThrowsError(try HeatmapChart(values: [[1]], rowLabels: [], columnLabels: ["a"]))
  }
}
