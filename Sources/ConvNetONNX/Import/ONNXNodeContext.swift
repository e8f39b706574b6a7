/// What an operator sees while it is compiled at load time: the node, the opset, and its
/// attributes through typed accessors that remember which were read — an attribute the
/// operator never read is refused (`finish()`), so an attribute the importer does not know can
/// never be ignored silently.
final class ONNXNodeContext {
  let node: ONNXNode
  let opset: Int
  /// Shapes known at load time: initializers and folded constants, by value name.
  let knownShapes: [String: [Int]]
  private var read: Set<String> = []

  init(node: ONNXNode, opset: Int, knownShapes: [String: [Int]] = [:]) {
    self.node = node
    self.opset = opset
    self.knownShapes = knownShapes
    // Opset-1 operators' `consumed_inputs` was a hint for in-place memory reuse; it does not
    // change a result.
    read.insert("consumed_inputs")
  }

  /// The load-time shape of input `index`, if it is constant.
  func knownShape(ofInput index: Int) -> [Int]? {
    index < node.inputs.count ? knownShapes[node.inputs[index]] : nil
  }

  var label: String { node.label }

  func has(_ name: String) -> Bool { node.attributes[name] != nil }

  private func attribute(_ name: String) -> ONNXAttribute? {
    read.insert(name)
    return node.attributes[name]
  }

  private func wrongType(_ name: String, _ expected: String) -> ONNXImportError {
    if case .other(let typeName)? = node.attributes[name] {
      return unsupported("attribute \(name) of type \(typeName)", supported: expected)
    }
    return .malformed(node: label, reason: "attribute \(name) must be \(expected)")
  }

  func int(_ name: String) throws -> Int? {
    switch attribute(name) {
    case nil: return nil
    case .int(let value): return value
    default: throw wrongType(name, "an int")
    }
  }

  func int(_ name: String, default value: Int) throws -> Int { try int(name) ?? value }

  func float(_ name: String) throws -> Float? {
    switch attribute(name) {
    case nil: return nil
    case .float(let value): return value
    case .int(let value): return Float(value)
    default: throw wrongType(name, "a float")
    }
  }

  func float(_ name: String, default value: Float) throws -> Float { try float(name) ?? value }

  func ints(_ name: String) throws -> [Int]? {
    switch attribute(name) {
    case nil: return nil
    case .ints(let values): return values
    case .int(let value): return [value]
    default: throw wrongType(name, "a list of ints")
    }
  }

  func floats(_ name: String) throws -> [Float]? {
    switch attribute(name) {
    case nil: return nil
    case .floats(let values): return values
    default: throw wrongType(name, "a list of floats")
    }
  }

  func string(_ name: String) throws -> String? {
    switch attribute(name) {
    case nil: return nil
    case .string(let value): return value
    default: throw wrongType(name, "a string")
    }
  }

  func tensor(_ name: String) throws -> ONNXTensorData? {
    switch attribute(name) {
    case nil: return nil
    case .tensor(let value): return value
    default: throw wrongType(name, "a tensor")
    }
  }

  /// Marks attributes as read that do not change the result (e.g. MaxPool's storage_order
  /// without an Indices output).
  func ignore(_ names: String...) { read.formUnion(names) }

  /// A refusal of `what` at this node.
  func unsupported(_ what: String, supported: String) -> ONNXImportError {
    .unsupported(node: label, what: what, supported: supported)
  }

  /// Refuses the node if it has an attribute the operator did not read, or more outputs than
  /// the operator produces.
  func finish(outputs maximum: Int = 1) throws {
    if let unknown = node.attributes.keys.sorted().first(where: { !read.contains($0) }) {
      let known = read.subtracting(["consumed_inputs"]).sorted()
      throw unsupported(
        "attribute \(unknown) of \(node.opType)",
        supported: known.isEmpty ? "no attributes" : known.joined(separator: ", "))
    }
    let produced = node.outputs.enumerated().filter { !$0.element.isEmpty }.map { $0.offset }
    if let extra = produced.first(where: { $0 >= maximum }) {
      throw unsupported(
        "output \(extra) of \(node.opType)", supported: "the first \(maximum) output(s)")
    }
  }
}
