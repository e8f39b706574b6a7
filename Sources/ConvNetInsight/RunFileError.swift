/// A run's file (history, run description, TensorBoard events) could not be read or written.
/// The message names the file and what was wrong or expected.
public struct RunFileError: Error, CustomStringConvertible, Equatable {
  public let path: String
  public let reason: String

  public init(path: String, reason: String) {
    self.path = path
    self.reason = reason
  }

  public var description: String { "\(path): \(reason)" }
}
