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

  /// The lowest and highest default-domain opset the importer reads. Below 7, arithmetic had
  /// explicit `broadcast`/`axis` attributes and batch norm and dropout an `is_test` flag, which
  /// the operators read in those opsets; from 22 to 27 (the newest in onnx 1.22) the supported operators changed only in the element
  /// types they accept — their attributes, inputs and outputs are those of their opset-21
  /// versions (`scripts/onnx-schema-changes.py` checks this; Cast's opset-24 `round_mode` is an
  /// attribute the importer does not read, so a file that sets it is refused).
  static let opsets = 1...27

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
