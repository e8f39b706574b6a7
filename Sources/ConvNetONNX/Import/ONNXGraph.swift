import ConvNetTensor

/// An ONNX model as the importer sees it, independent of the protobuf encoding: the nodes in
/// topological order, the initializers, the graph's inputs and outputs and the default-domain
/// opset. `ONNXGraph(model:)` (ONNXGraph+Protobuf.swift) builds it from a `ModelProto`.
public struct ONNXGraph {
  public var nodes: [ONNXNode]
  /// Initializers in file order (their names are the parameters' names).
  public var initializers: [(name: String, value: ONNXTensorData)]
  /// Inputs that are not initializers: what a caller feeds.
  public var inputs: [ONNXValueInfo]
  public var outputs: [ONNXValueInfo]
  /// The version of the default ("" / "ai.onnx") operator set.
  public var opsetVersion: Int

  public init(
    nodes: [ONNXNode], initializers: [(name: String, value: ONNXTensorData)], inputs: [ONNXValueInfo],
    outputs: [ONNXValueInfo], opsetVersion: Int
  ) {
    self.nodes = nodes
    self.initializers = initializers
    self.inputs = inputs
    self.outputs = outputs
    self.opsetVersion = opsetVersion
  }
}

/// One node: operator type, named inputs ("" for an omitted optional input) and outputs, and
/// its attributes.
public struct ONNXNode {
  public var name: String
  public var opType: String
  public var domain: String
  public var inputs: [String]
  public var outputs: [String]
  public var attributes: [String: ONNXAttribute]
  /// The node's position in the graph, for messages.
  public var index: Int

  public init(
    name: String, opType: String, domain: String = "", inputs: [String], outputs: [String],
    attributes: [String: ONNXAttribute] = [:], index: Int
  ) {
    self.name = name
    self.opType = opType
    self.domain = domain
    self.inputs = inputs
    self.outputs = outputs
    self.attributes = attributes
    self.index = index
  }

  /// "node 12 (Conv \"conv1\")": how messages name a node.
  public var label: String {
    name.isEmpty ? "node \(index) (\(opType))" : "node \(index) (\(opType) \"\(name)\")"
  }
}

/// An attribute value. Graph-valued and sparse attributes are kept only by their type name so
/// that the node using them can be refused by name.
public enum ONNXAttribute {
  case int(Int)
  case float(Float)
  case string(String)
  case tensor(ONNXTensorData)
  case ints([Int])
  case floats([Float])
  case strings([String])
  case other(typeName: String)
}

/// A graph input or output: its name, element type and dimensions (nil for a symbolic or
/// unknown dimension; `shape` nil when the rank is unknown).
public struct ONNXValueInfo {
  public var name: String
  public var elementType: ONNXElementType
  public var shape: [Int?]?

  public init(name: String, elementType: ONNXElementType, shape: [Int?]?) {
    self.name = name
    self.elementType = elementType
    self.shape = shape
  }
}

/// ONNX tensor element types (TensorProto.DataType numbers). ConvNet computes in float32;
/// integer tensors (shapes, indices) are carried as Int64 whatever their width.
public struct ONNXElementType: Equatable, Hashable, CustomStringConvertible {
  public let rawValue: Int
  public init(rawValue: Int) { self.rawValue = rawValue }

  public static let float = ONNXElementType(rawValue: 1)
  public static let int32 = ONNXElementType(rawValue: 6)
  public static let int64 = ONNXElementType(rawValue: 7)

  public var isInteger: Bool { self == .int32 || self == .int64 }
  public var isSupported: Bool { self == .float || isInteger }

  public var description: String {
    let names = [
      0: "undefined", 1: "float", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64",
      8: "string", 9: "bool", 10: "float16", 11: "double", 12: "uint32", 13: "uint64", 14: "complex64",
      15: "complex128", 16: "bfloat16",
    ]
    return names[rawValue] ?? "type \(rawValue)"
  }

  /// What the importer accepts, for messages.
  public static let supportedDescription = "float, int32, int64"
}

/// An integer tensor (int64 or int32 in the file): shapes, axes, indices.
public struct IntegerTensor: Equatable {
  public var shape: [Int]
  public var values: [Int64]
  public var elementType: ONNXElementType

  public init(shape: [Int], values: [Int64], elementType: ONNXElementType = .int64) {
    self.shape = shape
    self.values = values
    self.elementType = elementType
  }

  /// A rank-1 tensor of `values`.
  public init(vector values: [Int]) {
    self.init(shape: [values.count], values: values.map(Int64.init))
  }
}

/// Constant data: an initializer, a Constant node's value or a test's input/output.
public enum ONNXTensorData {
  case float(Tensor)
  case integer(IntegerTensor)

  public var shape: [Int] {
    switch self {
    case .float(let tensor): return tensor.shape
    case .integer(let tensor): return tensor.shape
    }
  }

  public var elementType: ONNXElementType {
    switch self {
    case .float: return .float
    case .integer(let tensor): return tensor.elementType
    }
  }
}
