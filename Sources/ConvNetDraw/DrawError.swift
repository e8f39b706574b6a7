/// Why a picture could not be made or written, in one line: what, where, and what was expected,
/// e.g. `canvas: width 0, expected 1…16384` or `grid.png: cannot rename the temporary file…`.
public struct DrawError: Error, Equatable, CustomStringConvertible, Sendable {
  /// What was being drawn or written: "canvas", "map", a file path, …
  public var subject: String
  /// What is wrong and what was expected.
  public var reason: String

  public init(_ subject: String, _ reason: String) {
    self.subject = subject
    self.reason = reason
  }

  public var description: String { "\(subject): \(reason)" }
}
