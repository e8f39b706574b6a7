/// A dataset file (or directory) that cannot be used, and exactly why.
///
/// The description names the file, the field and what was expected, e.g.
/// `train-images-idx3-ubyte.gz: magic number 0x00000802 (unsigned byte, 2 dimensions),
/// expected 0x00000803 (unsigned byte, 3 dimensions)`.
public struct DataError: Error, Equatable, CustomStringConvertible, Sendable {
  /// The file name (or directory path) the problem is in.
  public var file: String
  /// The part of the file that is wrong: "magic number", "data type", "file size", "label 7", …
  public var field: String
  /// What was found and what was expected.
  public var problem: String

  public init(file: String, field: String, problem: String) {
    self.file = file
    self.field = field
    self.problem = problem
  }

  public var description: String { "\(file): \(field) \(problem)" }
}
