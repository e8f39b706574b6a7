/// Why an image could not be encoded: the caller's pixels or size do not fit the format.
///
/// The description names the format, the field and what was expected, e.g.
/// `PNG: width 0, expected 1…2147483647`.
public struct ImageEncodingError: Error, Equatable, CustomStringConvertible, Sendable {
  /// "PNG".
  public var format: String
  /// What is wrong and what was expected.
  public var reason: String

  public init(format: String, reason: String) {
    self.format = format
    self.reason = reason
  }

  public var description: String { "\(format): \(reason)" }
}
