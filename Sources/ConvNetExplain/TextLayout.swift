/// Column layout for terminal text: Chinese characters take two columns, so widths are counted
/// in display columns rather than characters.
enum TextLayout {
  /// Display columns of `text`: East Asian wide characters count 2, everything else 1.
  static func width(_ text: String) -> Int {
    text.unicodeScalars.reduce(0) { $0 + (isWide($1) ? 2 : 1) }
  }

  private static func isWide(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
      0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
      0xFFE0...0xFFE6:
      return true
    default:
      return false
    }
  }

  /// `text` padded with spaces to `columns` display columns (left-aligned).
  static func padded(_ text: String, to columns: Int) -> String {
    text + String(repeating: " ", count: max(0, columns - width(text)))
  }

  /// `text` padded on the left to `columns` display columns (right-aligned).
  static func rightAligned(_ text: String, to columns: Int) -> String {
    String(repeating: " ", count: max(0, columns - width(text))) + text
  }

  /// A matrix as a block of lines under a label, numbers right-aligned per column; cells for
  /// which `isPadding` is true are shown as "·" (a zero that is padding, not input).
  static func block(
    label: String, _ matrix: [[Float]], isPadding: (Int, Int) -> Bool = { _, _ in false }
  ) -> [String] {
    let cells = matrix.enumerated().map { row, values in
      values.enumerated().map { column, value in
        isPadding(row, column) ? "·" : NumberText.value(value)
      }
    }
    let columnCount = cells.first?.count ?? 0
    let widths = (0..<columnCount).map { column in cells.map { width($0[column]) }.max() ?? 1 }
    let lines = cells.map { row in
      zip(row, widths).map { rightAligned($0, to: $1) }.joined(separator: " ")
    }
    return [label] + lines
  }

  /// Blocks of lines placed side by side, `gap` spaces apart, tops aligned.
  static func sideBySide(_ blocks: [[String]], gap: Int = 4, indent: Int = 2) -> String {
    let height = blocks.map(\.count).max() ?? 0
    let widths = blocks.map { $0.map(width).max() ?? 0 }
    var lines: [String] = []
    for row in 0..<height {
      var line = String(repeating: " ", count: indent)
      for (index, block) in blocks.enumerated() {
        let cell = row < block.count ? block[row] : ""
        line += index == blocks.count - 1 ? cell : padded(cell, to: widths[index] + gap)
      }
      while line.hasSuffix(" ") { line.removeLast() }
      lines.append(line)
    }
    return lines.joined(separator: "\n")
  }

  /// Blocks side by side, wrapped onto several bands so that no line exceeds `maxWidth`.
  static func wrappedSideBySide(_ blocks: [[String]], maxWidth: Int = 100, gap: Int = 4) -> String {
    var bands: [[[String]]] = [[]]
    var used = 2
    for block in blocks {
      let blockWidth = (block.map(width).max() ?? 0) + gap
      if !bands[bands.count - 1].isEmpty && used + blockWidth > maxWidth {
        bands.append([])
        used = 2
      }
      bands[bands.count - 1].append(block)
      used += blockWidth
    }
    return bands.map { sideBySide($0, gap: gap) }.joined(separator: "\n\n")
  }
}
