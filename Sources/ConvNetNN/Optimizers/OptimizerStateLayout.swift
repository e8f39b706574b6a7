import ConvNetAutograd
import ConvNetTensor

/// The names under which one optimiser keeps per-parameter state, and the conversion between
/// that state and the flat "index.name" dictionary of `Optimizer.stateTensors()`.
///
/// Shared by all optimisers so that every one validates a loaded state the same way.
struct OptimizerStateLayout {
  /// Used in error messages, e.g. "Adam".
  let optimizerName: String
  /// Buffers shaped like their parameter, e.g. ["exp_avg", "exp_avg_sq"].
  let bufferNames: [String]
  /// Whether each parameter also keeps a rank-0 "step" count.
  let hasStepCount: Bool

  static let stepName = "step"

  var allNames: [String] { hasStepCount ? [Self.stepName] + bufferNames : bufferNames }

  static func key(parameterIndex: Int, name: String) -> String { "\(parameterIndex).\(name)" }

  /// Flattens per-parameter entries (nil: no state yet) into "index.name" keys.
  func flatten(_ entries: [[String: Tensor]?]) -> [String: Tensor] {
    var state: [String: Tensor] = [:]
    for (index, parameterEntries) in entries.enumerated() {
      guard let parameterEntries else { continue }
      for (name, tensor) in parameterEntries {
        state[Self.key(parameterIndex: index, name: name)] = tensor
      }
    }
    return state
  }

  /// Checks `state` against the parameters and splits it per parameter: nil for a parameter with
  /// no entries (not stepped yet), otherwise all of its entries by name.
  ///
  /// Checks run in a fixed order — unknown keys (sorted), then parameter by parameter: missing
  /// entries, shapes, step counts — so the error names the first mismatch deterministically.
  func split(_ state: [String: Tensor], parameters: [Variable]) throws -> [[String: Tensor]?] {
    var entries = [[String: Tensor]?](repeating: nil, count: parameters.count)
    for key in state.keys.sorted() {
      guard let (index, name) = parse(key), index < parameters.count, allNames.contains(name)
      else {
        throw OptimizerStateError.unexpectedKey(
          optimizer: optimizerName, key: key, expectedNames: allNames,
          parameterCount: parameters.count)
      }
      var parameterEntries = entries[index] ?? [:]
      parameterEntries[name] = state[key]
      entries[index] = parameterEntries
    }
    for (index, parameterEntries) in entries.enumerated() {
      guard let parameterEntries else { continue }
      for name in allNames {
        let key = Self.key(parameterIndex: index, name: name)
        guard let tensor = parameterEntries[name] else {
          throw OptimizerStateError.missingKey(optimizer: optimizerName, key: key)
        }
        let expectedShape = name == Self.stepName ? [] : parameters[index].shape
        guard tensor.shape == expectedShape else {
          throw OptimizerStateError.shapeMismatch(
            optimizer: optimizerName, key: key, expected: expectedShape, actual: tensor.shape)
        }
        if name == Self.stepName {
          let value = tensor.scalar
          guard value >= 0, value == value.rounded() else {
            throw OptimizerStateError.invalidStepCount(
              optimizer: optimizerName, key: key, value: value)
          }
        }
      }
    }
    return entries
  }

  /// "12.exp_avg" → (12, "exp_avg"); nil unless the key is exactly what `key(…)` would write
  /// (so "+3.step" or "03.step" are rejected rather than silently renumbered).
  private func parse(_ key: String) -> (Int, String)? {
    guard let dot = key.firstIndex(of: "."), let index = Int(key[..<dot]), index >= 0 else {
      return nil
    }
    let name = String(key[key.index(after: dot)...])
    return Self.key(parameterIndex: index, name: name) == key ? (index, name) : nil
  }
}
