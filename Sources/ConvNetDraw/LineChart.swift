import Foundation

/// A point of a chart series, in data units.
public struct ChartPoint: Equatable, Sendable {
  public var x: Double
  public var y: Double

  public init(x: Double, y: Double) {
    self.x = x
    self.y = y
  }
}

/// A line chart: several named series of (x, y) points over shared axes with round ticks
/// (`AxisTicks`), light grid lines, tick labels, axis titles, a title and a legend. The legend
/// goes into the corner of the plot that covers the fewest points.
///
/// ```swift
/// var chart = LineChart(title: "loss", xTitle: "epoch", yTitle: "cross-entropy")
/// chart.series = [.init(name: "train", points: train, color: .blue),
///                 .init(name: "test", points: test, color: .orange, markerSize: 7)]
/// try chart.render(width: 640, height: 420).writePNG(to: url)
/// ```
public struct LineChart: Sendable {
  /// One named line.
  public struct Series: Sendable {
    public var name: String
    /// Points in drawing order; a non-finite point breaks the line.
    public var points: [ChartPoint]
    public var color: RGBColor
    /// Line thickness in pixels; 0 draws no line (markers only).
    public var lineWidth: Int
    /// Side of the square drawn at every point; 0 draws none.
    public var markerSize: Int

    public init(name: String, points: [ChartPoint], color: RGBColor, lineWidth: Int = 2, markerSize: Int = 0)
    {
      self.name = name
      self.points = points
      self.color = color
      self.lineWidth = lineWidth
      self.markerSize = markerSize
    }
  }

  public var title: String?
  public var xTitle: String?
  public var yTitle: String?
  public var series: [Series] = []
  /// Values the x axis must include besides the data (e.g. 0, to start at the origin).
  public var xIncludes: [Double] = []
  /// Values the y axis must include besides the data.
  public var yIncludes: [Double] = []
  /// Tick labels of the y axis as percentages (0.975 → "97.5%").
  public var yPercent = false
  /// Each font pixel is drawn as textScale × textScale pixels (2: 12 px per character).
  public var textScale = 2

  public init(title: String? = nil, xTitle: String? = nil, yTitle: String? = nil) {
    self.title = title
    self.xTitle = xTitle
    self.yTitle = yTitle
  }

  /// The chart drawn alone on a new white canvas.
  /// - Throws: `DrawError` when the size is not a valid canvas size.
  public func render(width: Int, height: Int) throws -> Canvas {
    var canvas = try Canvas(width: width, height: height)
    draw(on: &canvas, in: canvas.bounds)
    return canvas
  }

  /// The x and y ticks the axes will have.
  public var ticks: (x: AxisTicks, y: AxisTicks) {
    let points = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
    let xs = points.map(\.x) + xIncludes
    let ys = points.map(\.y) + yIncludes
    return (
      AxisTicks(covering: xs.min() ?? 0, xs.max() ?? 1, maximumIntervals: 6),
      AxisTicks(covering: ys.min() ?? 0, ys.max() ?? 1, maximumIntervals: 5)
    )
  }

  /// The plot area (inside the axes) that `draw` uses within `rect`.
  public func plotArea(in rect: PixelRect) -> PixelRect {
    let (xTicks, yTicks) = ticks
    let s = max(textScale, 1)
    let lineHeight = Canvas.textSize("0", scale: s).height
    let padding = 4 * s
    let yLabelWidth =
      yTicks.values.map { Canvas.textSize(yTicks.label($0, percent: yPercent), scale: s).width }.max() ?? 0
    let lastXLabel = xTicks.label(xTicks.high)
    let left =
      padding + (yTitle == nil ? 0 : lineHeight + padding) + yLabelWidth + LineChart.tickLength + padding
    let top = padding + (title == nil ? lineHeight / 2 : lineHeight + 2 * padding)
    let bottom =
      LineChart.tickLength + padding + lineHeight + padding + (xTitle == nil ? 0 : lineHeight + padding)
    let right = padding + Canvas.textSize(lastXLabel, scale: s).width / 2
    return PixelRect(
      x: rect.x + left, y: rect.y + top, width: rect.width - left - right, height: rect.height - top - bottom)
  }

  static let tickLength = 5
  static let gridColor = RGBColor(hex: 0xE6E6E6)
  static let axisColor = RGBColor(hex: 0x404040)
  static let textColor = RGBColor(hex: 0x202020)

  /// Draws the chart into `rect` of `canvas`.
  public func draw(on canvas: inout Canvas, in rect: PixelRect) {
    let (xTicks, yTicks) = ticks
    let s = max(textScale, 1)
    let padding = 4 * s
    let lineHeight = Canvas.textSize("0", scale: s).height
    let plot = plotArea(in: rect)
    guard plot.width > 10 && plot.height > 10 else { return }
    let map = ChartMapping(plot: plot, x: xTicks, y: yTicks)

    if let title {
      canvas.drawText(
        title, at: PixelPoint(x: plot.x + plot.width / 2, y: rect.y + padding), color: LineChart.textColor,
        scale: s,
        anchor: .topCenter)
    }
    // Grid, then axes, ticks and labels.
    for value in yTicks.values {
      let y = map.pixelY(value)
      canvas.drawLine(
        from: PixelPoint(x: plot.x, y: y), to: PixelPoint(x: plot.maxX - 1, y: y), color: LineChart.gridColor)
      canvas.drawLine(
        from: PixelPoint(x: plot.x - LineChart.tickLength, y: y), to: PixelPoint(x: plot.x - 1, y: y),
        color: LineChart.axisColor)
      canvas.drawText(
        yTicks.label(value, percent: yPercent),
        at: PixelPoint(x: plot.x - LineChart.tickLength - padding, y: y),
        color: LineChart.textColor, scale: s, anchor: .centerRight)
    }
    for value in xTicks.values {
      let x = map.pixelX(value)
      canvas.drawLine(
        from: PixelPoint(x: x, y: plot.y), to: PixelPoint(x: x, y: plot.maxY - 1), color: LineChart.gridColor)
      canvas.drawLine(
        from: PixelPoint(x: x, y: plot.maxY), to: PixelPoint(x: x, y: plot.maxY + LineChart.tickLength - 1),
        color: LineChart.axisColor)
      canvas.drawText(
        xTicks.label(value), at: PixelPoint(x: x, y: plot.maxY + LineChart.tickLength + padding),
        color: LineChart.textColor, scale: s, anchor: .topCenter)
    }
    canvas.drawLine(
      from: PixelPoint(x: plot.x - 1, y: plot.y), to: PixelPoint(x: plot.x - 1, y: plot.maxY),
      color: LineChart.axisColor)
    canvas.drawLine(
      from: PixelPoint(x: plot.x - 1, y: plot.maxY), to: PixelPoint(x: plot.maxX - 1, y: plot.maxY),
      color: LineChart.axisColor)
    if let xTitle {
      canvas.drawText(
        xTitle,
        at: PixelPoint(
          x: plot.x + plot.width / 2, y: plot.maxY + LineChart.tickLength + 2 * padding + lineHeight),
        color: LineChart.textColor, scale: s, anchor: .topCenter)
    }
    if let yTitle {
      canvas.drawVerticalText(
        yTitle, at: PixelPoint(x: rect.x + padding, y: plot.y + plot.height / 2), color: LineChart.textColor,
        scale: s,
        anchor: Canvas.TextAnchor(.left, .middle))
    }

    for item in series { draw(item, on: &canvas, map: map) }
    drawLegend(on: &canvas, plot: plot, map: map)
  }

  private func draw(_ item: Series, on canvas: inout Canvas, map: ChartMapping) {
    var run: [PixelPoint] = []
    func flush() {
      if item.lineWidth > 0 && run.count > 1 {
        canvas.drawPolyline(run, color: item.color, thickness: item.lineWidth)
      }
      run.removeAll()
    }
    for point in item.points {
      guard point.x.isFinite && point.y.isFinite else {
        flush()
        continue
      }
      run.append(map.pixel(point))
    }
    flush()
    if item.markerSize > 0 {
      let half = item.markerSize / 2
      for point in item.points where point.x.isFinite && point.y.isFinite {
        let center = map.pixel(point)
        let square = PixelRect(
          x: center.x - half, y: center.y - half, width: item.markerSize, height: item.markerSize)
        canvas.fill(square, color: item.color)
        canvas.strokeRectangle(square, color: .white)
      }
    }
  }

  /// The legend's box for a corner of the plot.
  private func legendBox(plot: PixelRect, corner: Int, size: (width: Int, height: Int)) -> PixelRect {
    let margin = 6 * max(textScale, 1)
    let x = corner % 2 == 0 ? plot.maxX - margin - size.width : plot.x + margin
    let y = corner < 2 ? plot.y + margin : plot.maxY - margin - size.height
    return PixelRect(x: x, y: y, width: size.width, height: size.height)
  }

  private func drawLegend(on canvas: inout Canvas, plot: PixelRect, map: ChartMapping) {
    let named = series.filter { !$0.name.isEmpty }
    guard !named.isEmpty else { return }
    let s = max(textScale, 1)
    let padding = 4 * s
    let lineHeight = Canvas.textSize("0", scale: s).height
    let sampleWidth = 12 * s
    let textWidth = named.map { Canvas.textSize($0.name, scale: s).width }.max() ?? 0
    let size = (
      width: 3 * padding + sampleWidth + textWidth,
      height: padding * 2 + named.count * (lineHeight + padding) - padding
    )
    // Corners: 0 top right, 1 top left, 2 bottom right, 3 bottom left; the fewest points covered wins.
    let points = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }.map(map.pixel)
    let box = (0..<4).map { legendBox(plot: plot, corner: $0, size: size) }.min { a, b in
      let inA = points.filter { a.inset(by: -4).holds($0) }.count
      let inB = points.filter { b.inset(by: -4).holds($0) }.count
      return inA < inB
    }!
    canvas.fill(box, color: .white, alpha: 0.9)
    canvas.strokeRectangle(box, color: RGBColor(hex: 0xBBBBBB))
    for (index, item) in named.enumerated() {
      let middle = box.y + padding + index * (lineHeight + padding) + lineHeight / 2
      let sampleStart = PixelPoint(x: box.x + padding, y: middle)
      let sampleEnd = PixelPoint(x: box.x + padding + sampleWidth - 1, y: middle)
      if item.lineWidth > 0 {
        canvas.drawLine(
          from: sampleStart, to: sampleEnd, color: item.color, thickness: max(item.lineWidth, 2))
      }
      if item.markerSize > 0 {
        let half = item.markerSize / 2
        canvas.fill(
          PixelRect(
            x: box.x + padding + sampleWidth / 2 - half, y: middle - half, width: item.markerSize,
            height: item.markerSize),
          color: item.color)
      }
      canvas.drawText(
        item.name, at: PixelPoint(x: box.x + 2 * padding + sampleWidth, y: middle),
        color: LineChart.textColor, scale: s,
        anchor: .centerLeft)
    }
  }
}

/// Data units → pixels of a plot area: x to the right, y up.
struct ChartMapping {
  let plot: PixelRect
  let x: AxisTicks
  let y: AxisTicks

  func pixelX(_ value: Double) -> Int {
    plot.x + Int(((value - x.low) / (x.high - x.low) * Double(plot.width - 1)).rounded())
  }

  func pixelY(_ value: Double) -> Int {
    plot.maxY - 1 - Int(((value - y.low) / (y.high - y.low) * Double(plot.height - 1)).rounded())
  }

  func pixel(_ point: ChartPoint) -> PixelPoint { PixelPoint(x: pixelX(point.x), y: pixelY(point.y)) }
}

extension PixelRect {
  /// Whether `point` lies inside.
  func holds(_ point: PixelPoint) -> Bool {
    point.x >= x && point.x < maxX && point.y >= y && point.y < maxY
  }
}
