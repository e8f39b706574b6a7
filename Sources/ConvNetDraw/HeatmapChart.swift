import Foundation

/// A heat map of a table of numbers — a confusion matrix — with row and column labels, the
/// numbers written in the cells, axis titles and a colour bar.
///
/// Colours go from white (0) to dark blue (the largest value). With `squareRootColors` the
/// colour follows √(value / largest), so that the few confusions beside a large diagonal still
/// show; the colour bar is drawn on the same scale, and the cells carry the exact numbers.
public struct HeatmapChart: Sendable {
  /// values[row][column]; rows must all have the same length.
  public var values: [[Double]]
  public var rowLabels: [String]
  public var columnLabels: [String]
  public var title: String?
  /// e.g. "true class", written turned along the rows.
  public var rowTitle: String?
  /// e.g. "predicted class", written under the columns.
  public var columnTitle: String?
  /// Decimals of the numbers written in the cells (0 for counts).
  public var decimals = 0
  public var squareRootColors = false
  /// Each font pixel is drawn as textScale × textScale pixels.
  public var textScale = 2
  public var colormap = HeatmapChart.blues

  /// White → dark blue, after ColorBrewer's sequential "Blues".
  public static let blues = Colormap(
    name: "blues",
    evenlySpaced: [0xF7FBFF, 0xDEEBF7, 0xC6DBEF, 0x9ECAE1, 0x6BAED6, 0x4292C6, 0x2171B5, 0x08519C, 0x08306B]
      .map { RGBColor(hex: $0) })

  /// - Throws: `DrawError` when the table is empty or ragged, or the labels do not match it.
  public init(values: [[Double]], rowLabels: [String], columnLabels: [String]) throws {
    guard let width = values.first?.count, width > 0 else { throw DrawError("heat map", "no values") }
    guard values.allSatisfy({ $0.count == width }) else {
      throw DrawError("heat map", "rows of different lengths, expected \(width) values in every row")
    }
    guard rowLabels.count == values.count, columnLabels.count == width else {
      throw DrawError(
        "heat map",
        "\(rowLabels.count) row and \(columnLabels.count) column labels for a \(values.count)×\(width) table")
    }
    self.values = values
    self.rowLabels = rowLabels
    self.columnLabels = columnLabels
  }

  private var largest: Double { values.joined().filter(\.isFinite).max().map { max($0, 0) } ?? 0 }

  /// Where value `v` sits on the colour scale, in [0, 1].
  public func colorPosition(_ value: Double) -> Float {
    let top = largest
    guard top > 0, value.isFinite else { return 0 }
    let t = min(max(value / top, 0), 1)
    return Float(squareRootColors ? t.squareRoot() : t)
  }

  private func text(_ value: Double) -> String {
    value.isFinite ? String(format: "%.\(decimals)f", value) : "–"
  }

  private var layout: Layout { Layout(self) }

  /// The size `render()` gives the picture.
  public var size: (width: Int, height: Int) { (layout.width, layout.height) }

  /// The chart on a new white canvas, sized to fit its cells and labels.
  public func render() throws -> Canvas {
    let layout = self.layout
    var canvas = try Canvas(width: layout.width, height: layout.height)
    draw(on: &canvas, layout: layout)
    return canvas
  }

  /// The rectangle of cell (row, column) in `render()`'s picture.
  public func cellRect(row: Int, column: Int) -> PixelRect {
    let layout = self.layout
    return PixelRect(
      x: layout.grid.x + column * layout.cell, y: layout.grid.y + row * layout.cell, width: layout.cell,
      height: layout.cell)
  }

  /// Sizes and places: square cells wide enough for the longest number (and for short column
  /// labels), row labels to the left, column labels below (turned when they are long).
  struct Layout {
    let scale: Int
    let padding: Int
    let lineHeight: Int
    let cell: Int
    let showsNumbers: Bool
    let turnedColumnLabels: Bool
    let grid: PixelRect
    let bar: PixelRect
    let barTicks: AxisTicks
    let width: Int
    let height: Int

    init(_ chart: HeatmapChart) {
      let rows = chart.values.count
      let columns = chart.values[0].count
      var scale = max(chart.textScale, 1)
      // Many classes: smaller text, and no numbers in cells below 3 characters' room.
      if max(rows, columns) > 20 { scale = 1 }
      self.scale = scale
      padding = 4 * scale
      lineHeight = Canvas.textSize("0", scale: scale).height
      let numberWidth =
        chart.values.joined().map { Canvas.textSize(chart.text($0), scale: scale).width }.max() ?? 0
      let columnLabelWidth = chart.columnLabels.map { Canvas.textSize($0, scale: scale).width }.max() ?? 0
      var cell = max(numberWidth + 2 * padding, lineHeight + 2 * padding)
      if max(rows, columns) > 40 { cell = max(6, min(cell, 1200 / max(rows, columns))) }
      turnedColumnLabels = columnLabelWidth + padding > cell
      self.cell = cell
      showsNumbers = numberWidth + 2 <= cell
      let rowLabelWidth = chart.rowLabels.map { Canvas.textSize($0, scale: scale).width }.max() ?? 0
      let titleHeight = chart.title == nil ? padding : lineHeight + 3 * padding
      let left = padding + (chart.rowTitle == nil ? 0 : lineHeight + 2 * padding) + rowLabelWidth + padding
      grid = PixelRect(x: left, y: titleHeight, width: columns * cell, height: rows * cell)
      let columnLabelsHeight = turnedColumnLabels ? columnLabelWidth : lineHeight
      let bottom =
        padding + columnLabelsHeight + padding + (chart.columnTitle == nil ? 0 : lineHeight + padding)
        + padding
      let barTicks = AxisTicks(covering: 0, max(chart.largest, 1), maximumIntervals: 5)
      self.barTicks = barTicks
      let barLabelWidth =
        barTicks.values.map { Canvas.textSize(barTicks.label($0), scale: scale).width }.max() ?? 0
      bar = PixelRect(x: grid.maxX + 4 * padding, y: grid.y, width: 5 * scale + 8, height: grid.height)
      width = bar.maxX + 6 + padding + barLabelWidth + 2 * padding
      height = grid.maxY + bottom
    }
  }

  private func draw(on canvas: inout Canvas, layout: Layout) {
    let s = layout.scale
    let ink = RGBColor(hex: 0x202020)
    let grid = layout.grid
    if let title {
      canvas.drawText(
        title, at: PixelPoint(x: grid.x + grid.width / 2, y: layout.padding), color: ink, scale: s,
        anchor: .topCenter)
    }
    let table = colormap.table
    for (row, rowValues) in values.enumerated() {
      for (column, value) in rowValues.enumerated() {
        let rect = PixelRect(
          x: grid.x + column * layout.cell, y: grid.y + row * layout.cell, width: layout.cell,
          height: layout.cell)
        let color = table[Colormap.index(colorPosition(value))]
        canvas.fill(rect, color: color)
        if layout.showsNumbers {
          canvas.drawText(
            text(value), at: PixelPoint(x: rect.x + rect.width / 2, y: rect.y + rect.height / 2 + 1),
            color: HeatmapChart.readableInk(on: color), scale: s, anchor: .center)
        }
      }
    }
    canvas.strokeRectangle(grid.inset(by: -1), color: RGBColor(hex: 0x808080))
    // Row labels, right-aligned against the grid; column labels under it.
    // Labels of small cells would overlap: then only every k-th is written.
    let every = max(1, Int((Double(layout.lineHeight + 2) / Double(max(layout.cell, 1))).rounded(.up)))
    for (row, label) in rowLabels.enumerated() where row % every == 0 {
      canvas.drawText(
        label,
        at: PixelPoint(x: grid.x - layout.padding, y: grid.y + row * layout.cell + layout.cell / 2 + 1),
        color: ink,
        scale: s, anchor: .centerRight)
    }
    for (column, label) in columnLabels.enumerated() where column % every == 0 {
      let x = grid.x + column * layout.cell + layout.cell / 2
      if layout.turnedColumnLabels {
        canvas.drawVerticalText(
          label, at: PixelPoint(x: x, y: grid.maxY + layout.padding), color: ink, scale: s,
          anchor: Canvas.TextAnchor(.center, .top))
      } else {
        canvas.drawText(
          label, at: PixelPoint(x: x, y: grid.maxY + layout.padding), color: ink, scale: s, anchor: .topCenter
        )
      }
    }
    let columnLabelsHeight =
      layout.turnedColumnLabels
      ? (columnLabels.map { Canvas.textSize($0, scale: s).width }.max() ?? 0) : layout.lineHeight
    if let columnTitle {
      canvas.drawText(
        columnTitle,
        at: PixelPoint(x: grid.x + grid.width / 2, y: grid.maxY + 2 * layout.padding + columnLabelsHeight),
        color: ink, scale: s, anchor: .topCenter)
    }
    if let rowTitle {
      canvas.drawVerticalText(
        rowTitle, at: PixelPoint(x: layout.padding, y: grid.y + grid.height / 2), color: ink, scale: s,
        anchor: Canvas.TextAnchor(.left, .middle))
    }
    drawColorBar(on: &canvas, layout: layout, ink: ink)
  }

  /// The colour scale: bottom 0, top the largest value, ticks at round values.
  private func drawColorBar(on canvas: inout Canvas, layout: Layout, ink: RGBColor) {
    let bar = layout.bar
    let table = colormap.table
    let top = largest
    for y in bar.y..<bar.maxY {
      // Row y shows the colour position its height stands for (bottom 0, top 1).
      let t = Float(bar.maxY - 1 - y) / Float(max(bar.height - 1, 1))
      canvas.fill(PixelRect(x: bar.x, y: y, width: bar.width, height: 1), color: table[Colormap.index(t)])
    }
    canvas.strokeRectangle(bar.inset(by: -1), color: RGBColor(hex: 0x808080))
    for value in layout.barTicks.values where value >= 0 && value <= top * (1 + 1e-9) {
      let position = Double(colorPosition(value))
      let y = bar.maxY - 1 - Int((position * Double(bar.height - 1)).rounded())
      canvas.drawLine(from: PixelPoint(x: bar.maxX, y: y), to: PixelPoint(x: bar.maxX + 4, y: y), color: ink)
      canvas.drawText(
        layout.barTicks.label(value), at: PixelPoint(x: bar.maxX + 6 + layout.padding, y: y), color: ink,
        scale: layout.scale, anchor: .centerLeft)
    }
  }

  /// Black on light colours, white on dark ones (by relative luminance).
  static func readableInk(on color: RGBColor) -> RGBColor {
    let luminance = 0.2126 * Double(color.red) + 0.7152 * Double(color.green) + 0.0722 * Double(color.blue)
    return luminance > 140 ? RGBColor(hex: 0x202020) : .white
  }
}
