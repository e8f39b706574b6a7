/// Why `Optimizer.loadState(_:)` rejected a state dictionary. The description names the key and,
/// for shapes, both the expected and the received shape.
public enum OptimizerStateError: Error, Equatable, CustomStringConvertible {
  /// A key that this optimiser does not use (wrong optimiser kind or configuration, or a
  /// parameter index out of range).
  case unexpectedKey(optimizer: String, key: String, expectedNames: [String], parameterCount: Int)
  /// A parameter has some of its state but not this entry.
  case missingKey(optimizer: String, key: String)
  /// A buffer whose shape is not its parameter's shape (or a step count that is not rank 0).
  case shapeMismatch(optimizer: String, key: String, expected: [Int], actual: [Int])
  /// A step count that is not a non-negative whole number.
  case invalidStepCount(optimizer: String, key: String, value: Float)

  public var description: String {
    switch self {
    case .unexpectedKey(let optimizer, let key, let expectedNames, let parameterCount):
      return "\(optimizer).loadState: unexpected key '\(key)'; this optimiser has \(parameterCount)"
        + " parameters (indices 0..<\(parameterCount)) and keeps per-parameter state "
        + (expectedNames.isEmpty ? "none" : expectedNames.joined(separator: ", "))
        + " — was the state saved by a differently configured optimiser?"
    case .missingKey(let optimizer, let key):
      return "\(optimizer).loadState: missing key '\(key)' (the parameter has other state entries)"
    case .shapeMismatch(let optimizer, let key, let expected, let actual):
      return "\(optimizer).loadState: '\(key)' has shape \(actual), expected \(expected)"
        + " — was the state saved for a different model?"
    case .invalidStepCount(let optimizer, let key, let value):
      return "\(optimizer).loadState: '\(key)' = \(value) is not a non-negative whole step count"
    }
  }
}
