import ConvNetAutograd
import ConvNetTensor

/// Softmax, LogSoftmax and ReduceMean (`mean(_:axes:keepDims:)`).
///
/// Before opset 13 Softmax and LogSoftmax flatten the input to [∏ dims before axis, ∏ rest] and
/// normalise each row (default axis 1); from 13 on they normalise along one axis (default −1).
enum ONNXReductionOperators {
  static let compilers: [String: ONNXOperatorCompiler] = [
    "Softmax": { context in try compileSoftmax(context, logarithm: false) },
    "LogSoftmax": { context in try compileSoftmax(context, logarithm: true) },
    "ReduceMean": { context in
      let attributeAxes = try context.ints("axes")  // opset < 18
      let keepDims = try context.int("keepdims", default: 1) != 0
      let noopWithEmptyAxes = try context.int("noop_with_empty_axes", default: 0) != 0
      try context.finish()
      return { args in
        let x = try args.float(0)
        let rank = x.shape.count
        let given = try attributeAxes ?? (args.isPresent(1) ? args.intList(1) : [])
        if given.isEmpty && noopWithEmptyAxes { return [.float(x)] }
        let axes = try (given.isEmpty ? Array(0..<rank) : given).map { axis -> Int in
          guard let a = normalizedAxis(axis, rank: rank) else { throw args.fail("axis \(axis) is out of range") }
          return a
        }
        return [.float(mean(x, axes: Array(Set(axes)).sorted(), keepDims: keepDims))]
      }
    },
  ]

  static func compileSoftmax(_ context: ONNXNodeContext, logarithm: Bool) throws -> ONNXKernel {
    let legacy = context.opset < 13
    let axis = try context.int("axis", default: legacy ? 1 : -1)
    try context.finish()
    return { args in
      let x = try args.float(0)
      let rank = x.shape.count
      guard let a = normalizedAxis(axis, rank: rank), rank > 0 else {
        throw args.fail("axis \(axis) is out of range for \(x.shape)")
      }
      if x.value.count == 0 { return [.float(x)] }
      let function = logarithm ? logSoftmax : softmax
      if legacy {
        let rows = x.shape[..<a].reduce(1, *)
        return [.float(function(x.reshaped([rows, x.value.count / rows]), -1).reshaped(x.shape))]
      }
      return [.float(function(x, a))]
    }
  }
}
