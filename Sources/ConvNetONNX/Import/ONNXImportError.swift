/// Why an ONNX model could not be imported or run: each case renders as one line that names the
/// file, node or value concerned and what was expected.
public enum ONNXImportError: Error, CustomStringConvertible, Equatable {
  /// The file could not be read or is not an ONNX model.
  case unreadable(file: String, reason: String)
  /// An operator, attribute value or data type that the importer does not support.
  case unsupported(node: String, what: String, supported: String)
  /// The graph itself is inconsistent (an input nobody produces, a wrong attribute type …).
  case malformed(node: String, reason: String)
  /// A value met at run time does not fit the graph (input shape, broadcasting …).
  case runtime(node: String, reason: String)

  public var description: String {
    switch self {
    case .unreadable(let file, let reason): return "\(file): not a readable ONNX model: \(reason)"
    case .unsupported(let node, let what, let supported):
      return "ONNX \(node): unsupported \(what); supported: \(supported)"
    case .malformed(let node, let reason): return "ONNX \(node): \(reason)"
    case .runtime(let node, let reason): return "ONNX \(node): \(reason)"
    }
  }

  /// Whether this is a load-time refusal of something unsupported (the node-test runner counts
  /// such a case as skipped, not failed).
  public var isUnsupported: Bool { unsupportedItem != nil }

  /// What was refused as unsupported ("operator LSTM", "element type double"), or nil.
  public var unsupportedItem: String? {
    if case .unsupported(_, let what, _) = self { return what }
    return nil
  }
}
