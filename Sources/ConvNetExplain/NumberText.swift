import Foundation

/// How explanations write numbers: whole values without a decimal point (the course's small
/// integer examples read as "3", not "3.0"), others with up to four decimals, very small or
/// large ones in scientific notation; counts with thousands separators ("61,706").
enum NumberText {
  /// 3 → "3", −1 → "-1", 0.25 → "0.25", 1/9 → "0.1111", 9.5e-7 → "9.54e-07".
  static func value(_ number: Double) -> String {
    if number.isNaN { return "nan" }
    if number.isInfinite { return number < 0 ? "-inf" : "inf" }
    if number == number.rounded() && abs(number) < 1e9 { return String(Int(number)) }
    let magnitude = abs(number)
    if magnitude < 1e-3 || magnitude >= 1e6 { return String(format: "%.2e", number) }
    var text = String(format: "%.4f", number)
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text == "-0" ? "0" : text
  }

  static func value(_ number: Float) -> String { value(Double(number)) }

  /// A term of a written sum: negative values in parentheses, "(-1)".
  static func term(_ number: Float) -> String {
    number < 0 ? "(\(value(number)))" : value(number)
  }

  /// 61706 → "61,706".
  static func count(_ number: Int) -> String {
    let digits = String(number.magnitude)
    var groups: [Substring] = []
    var end = digits.endIndex
    while end > digits.startIndex {
      let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
      groups.insert(digits[start..<end], at: 0)
      end = start
    }
    return (number < 0 ? "-" : "") + groups.joined(separator: ",")
  }

  /// A matrix on one line in the input syntax: rows separated by ";", "[0 1 1; 0 2 2]".
  static func inline(_ matrix: [[Float]]) -> String {
    "[" + matrix.map { $0.map { value($0) }.joined(separator: " ") }.joined(separator: "; ") + "]"
  }

  /// The size of a plane, "7×7".
  static func size(_ height: Int, _ width: Int) -> String { "\(height)×\(width)" }
}
