/// A compiled node: maps its input values to its output values at run time.
typealias ONNXKernel = (ONNXArguments) throws -> [ONNXValue]

/// Compiles one node at load time: reads and checks its attributes (refusing what is not
/// supported) and returns the kernel that runs it.
typealias ONNXOperatorCompiler = (ONNXNodeContext) throws -> ONNXKernel

/// The operators the importer supports, by ONNX op type (default domain).
enum ONNXOperatorTable {
  static let compilers: [String: ONNXOperatorCompiler] = {
    var table: [String: ONNXOperatorCompiler] = [:]
    table.merge(ONNXElementwiseOperators.compilers) { $1 }
    table.merge(ONNXConvolutionOperators.compilers) { $1 }
    table.merge(ONNXPoolingOperators.compilers) { $1 }
    table.merge(ONNXNormalizationOperators.compilers) { $1 }
    table.merge(ONNXMatrixOperators.compilers) { $1 }
    table.merge(ONNXShapeOperators.compilers) { $1 }
    table.merge(ONNXReductionOperators.compilers) { $1 }
    return table
  }()

  /// The supported op types, sorted, for messages.
  static var supportedList: String { compilers.keys.sorted().joined(separator: ", ") }

  /// The lowest and highest default-domain opset the importer reads.
  static let opsets = 7...21

  /// Compiles `node`, refusing an unknown operator, domain or attribute.
  static func compile(_ node: ONNXNode, opset: Int, knownShapes: [String: [Int]]) throws -> ONNXKernel {
    guard node.domain.isEmpty || node.domain == "ai.onnx" else {
      throw ONNXImportError.unsupported(
        node: node.label, what: "operator domain \"\(node.domain)\"", supported: "the default ONNX domain")
    }
    guard let compiler = compilers[node.opType] else {
      throw ONNXImportError.unsupported(node: node.label, what: "operator \(node.opType)", supported: supportedList)
    }
    return try compiler(ONNXNodeContext(node: node, opset: opset, knownShapes: knownShapes))
  }
}
