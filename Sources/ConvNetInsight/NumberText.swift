import Foundation

/// Numbers written for people, the same way in the terminal and in the report.
public enum NumberText {
  /// 61706 → "61,706".
  public static func count(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var groups: [String] = []
    var end = digits.endIndex
    while end > digits.startIndex {
      let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
      groups.insert(String(digits[start..<end]), at: 0)
      end = start
    }
    return (value < 0 ? "-" : "") + groups.joined(separator: ",")
  }

  /// 1536 → "1.5 KiB".
  public static func bytes(_ bytes: Int) -> String {
    if bytes < 1024 { return "\(bytes) B" }
    if bytes < 1024 * 1024 { return String(format: "%.1f KiB", Double(bytes) / 1024) }
    return String(format: "%.1f MiB", Double(bytes) / 1024 / 1024)
  }

  /// 0.98765 → "98.77 %"; `digits` after the point.
  public static func percent(_ fraction: Double, digits: Int = 2) -> String {
    String(format: "%.\(max(0, digits))f %%", fraction * 100)
  }

  /// A shape as "1×28×28".
  public static func shape(_ sizes: [Int]) -> String {
    sizes.map(String.init).joined(separator: "×")
  }
}
