/// A request an explanation cannot be computed for: which field was wrong and what was expected.
/// `field` names the quantity (input, weights, stride …), never a command-line flag, so that a
/// front end can say where the value came from.
public struct ExplainError: Error, CustomStringConvertible, Equatable {
  /// The quantity a request is made of.
  public enum Field: String, Sendable {
    case input, channels, filters, kernel, stride, padding, values, weights, bias, gradient
    case architecture, activation, pooling
  }

  public let field: Field
  /// What is wrong and what was expected, e.g. "channel 1 has 4 rows, expected 5".
  public let reason: String

  public init(_ field: Field, _ reason: String) {
    self.field = field
    self.reason = reason
  }

  public var description: String { "\(field.rawValue): \(reason)" }
}
