import Foundation

extension ExplanationRenderer {
  /// Every layer's parameters with its formula, the connections shared weights stand for, any
  /// connection table, and the total.
  public func render(_ e: ParameterExplanation) -> String {
    var lines = [t(.parametersTitle, e.architecture, e.inputShape.map(String.init).joined(separator: "×"))]
    lines.append("")
    var rows = [
      [
        t(.layerColumn), t(.typeColumn), t(.outputColumn), t(.parametersColumn), t(.positionsColumn),
        t(.connectionsColumn),
      ]
    ]
    for layer in e.layers {
      rows.append([
        layer.name, layer.description, layer.outputShape.map(String.init).joined(separator: "×"),
        layer.formula ?? NumberText.count(layer.parameterCount),
        layer.positions.map(NumberText.count) ?? "",
        layer.connections.map(NumberText.count) ?? "",
      ])
    }
    lines += table(rows, rightAligned: [3, 4, 5])
    lines.append("")
    lines.append(
      t(.parametersTotal, NumberText.count(e.totalParameters), NumberText.count(e.trainableParameters)))
    let sum = e.layers.map { NumberText.count($0.parameterCount) }.joined(separator: " + ")
    if e.layers.count <= 12 { lines.append("  = " + sum) }
    if let first = e.layers.first(where: { $0.connections != nil }), let positions = first.positions,
      let connections = first.connections
    {
      lines.append("")
      lines.append(
        t(
          .sharingExplained, first.name, NumberText.count(first.parameterCount), NumberText.count(positions),
          NumberText.count(connections)))
    }
    for table in e.connectionTables {
      lines.append(heading(t(.connectionTableHeading, table.name)))
      let header = ["   "] + table.table.indices.map { String(format: "%2d", $0) }
      var grid = [header.joined(separator: " ")]
      for input in 0..<table.inputChannels {
        let marks = table.table.map { $0.contains(input) ? " X" : " ·" }
        grid.append(String(format: "%2d ", input) + " " + marks.joined(separator: " "))
      }
      lines += grid.map { "  " + $0 }
      lines.append("  " + t(.connectionTableFormula, table.formula ?? "", table.fullyConnectedFormula ?? ""))
    }
    return lines.joined(separator: "\n")
  }

  /// Rows as an aligned table (display widths), a rule under the first row.
  func table(_ rows: [[String]], rightAligned: Set<Int>) -> [String] {
    guard let columnCount = rows.first?.count else { return [] }
    let widths = (0..<columnCount).map { column in rows.map { TextLayout.width($0[column]) }.max() ?? 0 }
    func line(_ cells: [String]) -> String {
      var text = cells.enumerated().map { index, cell in
        rightAligned.contains(index)
          ? TextLayout.rightAligned(cell, to: widths[index]) : TextLayout.padded(cell, to: widths[index])
      }.joined(separator: "  ")
      while text.hasSuffix(" ") { text.removeLast() }
      return text
    }
    let rule = widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")
    return [line(rows[0]), rule] + rows.dropFirst().map(line)
  }
}
