/// A terminal plot of one or more curves y(x) on shared axes, drawn with characters: the x axis
/// as "─", the y axis as "│", each curve with its own mark (earlier curves drawn on top).
struct ASCIIPlot {
  struct Series {
    let mark: Character
    let points: [(x: Float, y: Float)]
  }

  var width = 61
  var height = 17

  func render(_ series: [Series]) -> [String] {
    let all = series.flatMap(\.points)
    guard let first = all.first else { return [] }
    var (xMin, xMax, yMin, yMax) = (first.x, first.x, first.y, first.y)
    for point in all {
      (xMin, xMax) = (min(xMin, point.x), max(xMax, point.x))
      (yMin, yMax) = (min(yMin, point.y), max(yMax, point.y))
    }
    // Keep y = 0 in view and leave a margin so flat curves are not drawn on the frame.
    (yMin, yMax) = (min(yMin, 0), max(yMax, 0))
    if yMax - yMin < 1e-6 { yMax = yMin + 1 }
    let margin = (yMax - yMin) * 0.05
    (yMin, yMax) = (yMin - margin, yMax + margin)
    if xMax - xMin < 1e-6 { xMax = xMin + 1 }
    func column(_ x: Float) -> Int { Int(((x - xMin) / (xMax - xMin) * Float(width - 1)).rounded()) }
    func row(_ y: Float) -> Int { Int(((yMax - y) / (yMax - yMin) * Float(height - 1)).rounded()) }
    var grid = [[Character]](repeating: [Character](repeating: " ", count: width), count: height)
    let axisRow = row(0)
    let axisColumn = (xMin...xMax).contains(0) ? column(0) : nil
    for c in 0..<width { grid[axisRow][c] = "─" }
    if let axisColumn {
      for r in 0..<height { grid[r][axisColumn] = r == axisRow ? "┼" : "│" }
    }
    for curve in series.reversed() {
      for point in curve.points {
        let (r, c) = (row(point.y), column(point.x))
        if (0..<height).contains(r) && (0..<width).contains(c) { grid[r][c] = curve.mark }
      }
    }
    let labels = (0..<height).map { r -> String in
      if r == 0 { return NumberText.value(yMax - margin) }
      if r == axisRow { return "0" }
      if r == height - 1 && yMin + margin < 0 { return NumberText.value(yMin + margin) }
      return ""
    }
    let labelWidth = labels.map(\.count).max() ?? 0
    var lines = zip(labels, grid).map { label, cells in
      var line = TextLayout.rightAligned(label, to: labelWidth) + " ┤" + String(cells)
      while line.hasSuffix(" ") { line.removeLast() }
      return line
    }
    let left = NumberText.value(xMin)
    let right = NumberText.value(xMax)
    var axisLabels = [Character](repeating: " ", count: width)
    for (text, start) in [(left, 0), (right, width - right.count)] + (axisColumn.map { [("0", $0)] } ?? []) {
      for (offset, character) in text.enumerated() where start + offset < width {
        axisLabels[start + offset] = character
      }
    }
    lines.append(String(repeating: " ", count: labelWidth + 2) + String(axisLabels))
    return lines
  }
}
