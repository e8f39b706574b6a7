import Foundation

/// A problem with an ONNX model file or with turning something into or out of ONNX: what is
/// wrong, where, and what was expected.
///
/// The description names the file (when there is one), then the item the problem belongs to —
/// a tensor, a node, a module — e.g. `model.onnx: tensor "conv1.weight": raw_data holds 100
/// bytes, expected 4·6·1·5·5 = 600 for FLOAT [6, 1, 5, 5]`.
public struct ONNXError: Error, CustomStringConvertible, LocalizedError, Sendable {
  /// The file being read or written, if any.
  public let path: String?
  /// What the problem belongs to (`tensor "fc.weight"`, `node "Conv_3"`, `module Bottleneck`), if
  /// anything in particular.
  public let item: String?
  /// What is wrong, including what was expected.
  public let reason: String

  public init(path: String? = nil, item: String? = nil, reason: String) {
    self.path = path
    self.item = item
    self.reason = reason
  }

  /// The same problem, attributed to `path` (for errors raised below the file level).
  public func inFile(_ path: String) -> ONNXError {
    ONNXError(path: self.path ?? path, item: item, reason: reason)
  }

  public var description: String {
    [path, item, reason].compactMap { $0 }.joined(separator: ": ")
  }

  public var errorDescription: String? { description }
}
