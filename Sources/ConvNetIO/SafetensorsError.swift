import Foundation

/// A problem with a safetensors file: what is wrong, where, and what was expected.
///
/// The description always names the file, then — when the problem belongs to one tensor or
/// one header field — that tensor and field, e.g.
/// `model.safetensors: tensor "conv1.weight", field "shape": expected non-negative integers,
/// got -3`.
public struct SafetensorsError: Error, CustomStringConvertible, LocalizedError, Sendable {
  /// The path of the file being read or written.
  public let path: String
  /// The tensor the problem belongs to, if any.
  public let tensor: String?
  /// The header field (or part of the file) the problem belongs to, if any.
  public let field: String?
  /// What is wrong, including what was expected.
  public let reason: String

  /// - Parameters:
  ///   - path: The file being read or written.
  ///   - tensor: The tensor concerned, if the problem is about one tensor.
  ///   - field: The header field concerned (`"dtype"`, `"shape"`, `"data_offsets"`, …).
  ///   - reason: What is wrong and what was expected.
  public init(path: String, tensor: String? = nil, field: String? = nil, reason: String) {
    self.path = path
    self.tensor = tensor
    self.field = field
    self.reason = reason
  }

  public var description: String {
    var location = path
    if let tensor { location += ": tensor \"\(tensor)\"" }
    if let field { location += tensor == nil ? ": field \"\(field)\"" : ", field \"\(field)\"" }
    return "\(location): \(reason)"
  }

  public var errorDescription: String? { description }
}
