import ConvNetAutograd
import ConvNetTensor

/// A value flowing through an imported graph: float data as a `Variable` (so the graph trains),
/// integer data (shapes, axes, indices) as plain numbers outside the autograd graph.
public enum ONNXValue {
  case float(Variable)
  case integer(IntegerTensor)

  public var shape: [Int] {
    switch self {
    case .float(let variable): return variable.shape
    case .integer(let tensor): return tensor.shape
    }
  }

  public var elementType: ONNXElementType {
    switch self {
    case .float: return .float
    case .integer(let tensor): return tensor.elementType
    }
  }

  /// Constant data as a value (float data as a leaf that needs no gradient).
  public init(_ data: ONNXTensorData) {
    switch data {
    case .float(let tensor): self = .float(Variable(tensor))
    case .integer(let tensor): self = .integer(tensor)
    }
  }

  /// The value's data, cut off from the graph.
  public var data: ONNXTensorData {
    switch self {
    case .float(let variable): return .float(variable.value)
    case .integer(let tensor): return .integer(tensor)
    }
  }
}

/// The inputs of one node at run time, with accessors that check kind and presence and throw
/// an error naming the node.
struct ONNXArguments {
  let values: [ONNXValue?]
  let label: String

  var count: Int { values.count }

  func isPresent(_ index: Int) -> Bool { index < values.count && values[index] != nil }

  func value(_ index: Int) throws -> ONNXValue {
    guard index < values.count, let value = values[index] else {
      throw ONNXImportError.malformed(node: label, reason: "input \(index) is missing")
    }
    return value
  }

  func float(_ index: Int) throws -> Variable {
    switch try value(index) {
    case .float(let variable): return variable
    case .integer(let tensor):
      throw ONNXImportError.runtime(
        node: label, reason: "input \(index) is \(tensor.elementType), expected float")
    }
  }

  func optionalFloat(_ index: Int) throws -> Variable? {
    isPresent(index) ? try float(index) : nil
  }

  func integers(_ index: Int) throws -> IntegerTensor {
    switch try value(index) {
    case .integer(let tensor): return tensor
    case .float:
      throw ONNXImportError.runtime(node: label, reason: "input \(index) is float, expected int64")
    }
  }

  /// An integer input as a list of Ints (axes, pads, a shape).
  func intList(_ index: Int) throws -> [Int] { try integers(index).values.map { Int($0) } }

  /// A scalar (or one-element) input of either kind as a Float (Clip bounds, Pad value).
  func scalar(_ index: Int) throws -> Float {
    switch try value(index) {
    case .float(let variable):
      guard variable.value.count == 1 else {
        throw ONNXImportError.runtime(node: label, reason: "input \(index) must be a scalar, got \(variable.shape)")
      }
      return variable.value.scalars[0]
    case .integer(let tensor):
      guard tensor.values.count == 1 else {
        throw ONNXImportError.runtime(node: label, reason: "input \(index) must be a scalar, got \(tensor.shape)")
      }
      return Float(tensor.values[0])
    }
  }

  func fail(_ reason: String) -> ONNXImportError { .runtime(node: label, reason: reason) }
}
