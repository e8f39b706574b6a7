import ConvNetAutograd
import ConvNetTensor

/// One entry of a module's state: a parameter or a buffer, by its PyTorch key.
public struct StateEntry {
  public var name: String
  public var value: Tensor
  /// True for integer buffers (saved as int64, e.g. `num_batches_tracked`).
  public var isInteger: Bool
}

/// A problem found while loading weights into a module.
public struct StateDictError: Error, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}

extension Module {
  /// Parameters then buffers, in module order, with PyTorch `state_dict` keys.
  public func stateDict() -> [StateEntry] {
    var entries: [StateEntry] = []
    for (path, module) in namedModules() {
      let prefix = path.isEmpty ? "" : "\(path)."
      for (name, parameter) in module.ownParameters {
        entries.append(StateEntry(name: prefix + name, value: parameter.value, isInteger: false))
      }
      for (name, buffer) in module.ownBuffers {
        entries.append(StateEntry(name: prefix + name, value: buffer.value, isInteger: buffer.isInteger))
      }
    }
    return entries
  }

  /// Copies `tensors` into the parameters and buffers with the same keys.
  ///
  /// Every key of the module must be present with the same shape, and (when `strict`) the
  /// dictionary may hold no other key; the error names the first mismatch. Nothing is changed
  /// unless everything matches. Keys in `skipping` are neither loaded nor required (their
  /// parameters keep their values) — e.g. a classifier replaced for transfer learning.
  public func loadStateDict(
    _ tensors: [String: Tensor], strict: Bool = true, skipping: Set<String> = []
  ) throws {
    var parameterTargets: [(Variable, Tensor)] = []
    var bufferTargets: [(Buffer, Tensor)] = []
    var expectedKeys = skipping
    for (name, parameter) in namedParameters() where !skipping.contains(name) {
      expectedKeys.insert(name)
      parameterTargets.append((parameter, try Self.matching(name, parameter.value.shape, in: tensors)))
    }
    for (name, buffer) in namedBuffers() where !skipping.contains(name) {
      expectedKeys.insert(name)
      bufferTargets.append((buffer, try Self.matching(name, buffer.value.shape, in: tensors)))
    }
    if strict, let extra = tensors.keys.sorted().first(where: { !expectedKeys.contains($0) }) {
      throw StateDictError(
        "unexpected key \"\(extra)\": the model has no parameter or buffer of that name")
    }
    for (parameter, value) in parameterTargets { parameter.value = value }
    for (buffer, value) in bufferTargets { buffer.value = value }
  }

  private static func matching(_ name: String, _ shape: [Int], in tensors: [String: Tensor]) throws
    -> Tensor
  {
    guard let tensor = tensors[name] else {
      throw StateDictError("missing key \"\(name)\" (expected shape \(shape))")
    }
    // PyTorch saves scalar buffers such as num_batches_tracked with shape [].
    if tensor.shape != shape && !(tensor.count == 1 && Tensor.elementCount(of: shape) == 1) {
      throw StateDictError("\"\(name)\": shape \(tensor.shape), expected \(shape)")
    }
    return tensor.reshaped(shape)
  }
}
