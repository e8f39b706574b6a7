import ArgumentParser
import ConvNet
import Foundation

/// A plain-text table with aligned columns.
struct TextTable {
  let columns: [String]
  private(set) var rows: [[String]] = []

  init(columns: [String]) { self.columns = columns }

  mutating func add(_ row: [String]) { rows.append(row) }

  func render(rightAligned: Set<Int> = []) -> String {
    let widths = columns.indices.map { index in
      ([columns[index]] + rows.map { $0[index] }).map(\.count).max() ?? 0
    }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { index, cell in
        let padding = String(repeating: " ", count: widths[index] - cell.count)
        return rightAligned.contains(index) ? padding + cell : cell + padding
      }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
    }
    let rule = widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")
    return ([line(columns), rule] + rows.map(line)).joined(separator: "\n")
  }
}

/// 61706 → "61,706" (as the report writes it).
func formatCount(_ value: Int) -> String { NumberText.count(value) }

func formatBytes(_ bytes: Int) -> String { NumberText.bytes(bytes) }

func formatDuration(_ seconds: Double) -> String {
  let total = Int(seconds.rounded())
  return total >= 3600
    ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
    : String(format: "%d:%02d", total / 60, total % 60)
}

/// Parses "1x28x28" (or "28x28", taken as one channel) into [C, H, W].
func parseShape(_ text: String, option: String) throws -> [Int] {
  let parts = text.lowercased().split(separator: "x").map { Int($0) }
  guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) > 0 }) else {
    throw CLIError("\(option) \"\(text)\": expected positive sizes like 1x28x28 (channels×height×width)")
  }
  let sizes = parts.map { $0! }
  return sizes.count == 2 ? [1] + sizes : sizes
}

/// Prints a JSON object on one line with sorted keys.
func printJSON(_ object: Any) {
  let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
  print(String(decoding: data, as: UTF8.self))
}

/// Writes one line to standard error; control characters in `text` (which may quote a file
/// name, a CSV header or a label) are escaped, so it stays one line.
func printError(_ text: String) {
  FileHandle.standardError.write(Data((text.escapingControlCharacters + "\n").utf8))
}

/// A problem with what the user asked for, printed as one line ("Error: …") with exit status 1.
struct CLIError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
