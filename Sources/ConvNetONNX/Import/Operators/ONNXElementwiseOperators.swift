import ConvNetAutograd
import ConvNetTensor

/// Arithmetic with broadcasting and the activations: Add, Sub, Mul, Div, Sum, Relu, LeakyRelu,
/// PRelu, Elu, Sigmoid, Tanh, HardSigmoid, HardSwish, Clip, Identity, Dropout (inference: the
/// identity).
enum ONNXElementwiseOperators {
  static let compilers: [String: ONNXOperatorCompiler] = [
    "Add": binary(+, integer: { $0 &+ $1 }),
    "Sub": binary(-, integer: { $0 &- $1 }),
    "Mul": binary(*, integer: { $0 &* $1 }),
    "Div": binary(/, integer: { $1 == 0 ? 0 : $0.dividedReportingOverflow(by: $1).partialValue }),
    "Sum": { context in
      try context.finish()
      return { args in
        var total = try args.float(0)
        for k in 1..<max(args.count, 1) {
          let next = try args.float(k)
          _ = try broadcastShape(total.shape, next.shape, args)
          total = total + next
        }
        return [.float(total)]
      }
    },
    "Relu": unary { _ in { relu($0) } },
    "Sigmoid": unary { _ in { sigmoid($0) } },
    "Tanh": unary { _ in { tanh($0) } },
    "HardSwish": unary { _ in { hardswish($0) } },
    "LeakyRelu": unary { context in
      let slope = try context.float("alpha", default: 0.01)
      return { leakyRelu($0, negativeSlope: slope) }
    },
    "Elu": unary { context in
      let alpha = try context.float("alpha", default: 1)
      return { elu($0, alpha: alpha) }
    },
    "HardSigmoid": unary { context in
      let alpha = try context.float("alpha", default: 0.2)
      let beta = try context.float("beta", default: 0.5)
      // max(0, min(1, αx + β)); with PyTorch's α = 1/6, β = 1/2 this is `hardsigmoid`.
      return { clamped($0 * alpha + beta, min: 0, max: 1) }
    },
    "PRelu": { context in
      try context.finish()
      // prelu(x) = relu(x) − slope·relu(−x): exact, and the slope (broadcast) trains. Before
      // opset 7 a slope of shape [C] applied per channel (axis 1), not NumPy-style.
      let legacy = context.opset < 7
      return { args in
        let x = try args.float(0)
        var slope = try args.float(1)
        if legacy, slope.shape.count == 1, x.shape.count > 2, slope.shape[0] == x.shape[1] {
          slope = slope.reshaped(slope.shape + Array(repeating: 1, count: x.shape.count - 2))
        }
        _ = try broadcastShape(x.shape, slope.shape, args)
        return [.float(relu(x) - slope * relu(-x))]
      }
    },
    "Clip": { context in
      // Before opset 11 the bounds are attributes; from 11 on optional inputs.
      let low = try context.float("min")
      let high = try context.float("max")
      try context.finish()
      return { args in
        var lower = context.opset < 11 ? (low ?? -Float.greatestFiniteMagnitude) : nil
        var upper = context.opset < 11 ? (high ?? Float.greatestFiniteMagnitude) : nil
        if args.isPresent(1) { lower = try args.scalar(1) }
        if args.isPresent(2) { upper = try args.scalar(2) }
        switch try args.value(0) {
        case .float(let x):
          if lower == 0 && upper == 6 { return [.float(relu6(x))] }
          return [.float(clamped(x, min: lower, max: upper))]
        case .integer(var t):
          // Bounds beyond Int64 (the pre-11 defaults are ±Float.greatestFiniteMagnitude) clip
          // nothing; converting them would trap.
          func integer(_ bound: Float) -> Int64 { Int64(Swift.min(Swift.max(bound, -9.2e18), 9.2e18)) }
          t.values = t.values.map { v in
            var v = v
            if let lower { v = max(v, integer(lower)) }
            if let upper { v = min(v, integer(upper)) }
            return v
          }
          return [.integer(t)]
        }
      }
    },
    "Identity": { context in
      try context.finish()
      return { args in [try args.value(0)] }
    },
    "Dropout": { context in
      // Inference semantics: the identity. `ratio`/`seed` do not change it; training_mode
      // (opset 12, an input) must be absent or false, as must be opset-6's is_test; the
      // optional mask output is refused.
      context.ignore("ratio", "seed")
      if context.opset < 7, try context.int("is_test", default: 0) == 0 {
        throw context.unsupported("Dropout with is_test 0 (training)", supported: "inference (is_test 1)")
      }
      try context.finish()
      return { args in
        if args.isPresent(2), try args.scalar(2) != 0 {
          throw ONNXImportError.unsupported(
            node: args.label, what: "Dropout with training_mode true", supported: "inference (training_mode false)")
        }
        return [try args.value(0)]
      }
    },
  ]

  /// A one-input float operator whose attributes `make` reads.
  static func unary(_ make: @escaping (ONNXNodeContext) throws -> (Variable) -> Variable) -> ONNXOperatorCompiler {
    { context in
      let function = try make(context)
      try context.finish()
      return { args in [.float(function(try args.float(0)))] }
    }
  }

  /// A broadcasting binary operator on float or integer data. Before opset 7 broadcasting was
  /// explicit: without `broadcast` = 1 the shapes must be equal; with it, B's shape lines up
  /// with A's from `axis` (default: at the end, as NumPy).
  static func binary(
    _ float: @escaping (Variable, Variable) -> Variable, integer: @escaping (Int64, Int64) -> Int64
  ) -> ONNXOperatorCompiler {
    { context in
      let legacy = context.opset < 7
      let explicitBroadcast = legacy ? try context.int("broadcast", default: 0) != 0 : true
      let legacyAxis = legacy ? try context.int("axis") : nil
      try context.finish()
      return { args in
        var (a, b) = (try args.value(0), try args.value(1))
        if legacy {
          if !explicitBroadcast && a.shape != b.shape {
            throw args.fail("shapes \(a.shape) and \(b.shape) differ and broadcast is 0")
          }
          if let axis = legacyAxis, explicitBroadcast {
            let rank = a.shape.count
            let start = axis < 0 ? axis + rank : axis
            guard start >= 0, start + b.shape.count <= rank else {
              throw args.fail("B \(b.shape) does not fit A \(a.shape) from axis \(axis)")
            }
            b = b.reshaped(b.shape + Array(repeating: 1, count: rank - start - b.shape.count))
          }
        }
        let shape = try broadcastShape(a.shape, b.shape, args)
        switch (a, b) {
        case (.float(let x), .float(let y)): return [.float(float(x, y))]
        case (.integer(let x), .integer(let y)):
          let xs = IndexMaps.expand(x.shape, to: shape)
          let ys = IndexMaps.expand(y.shape, to: shape)
          let values = zip(xs, ys).map { integer(x.values[Int($0)], y.values[Int($1)]) }
          return [.integer(IntegerTensor(shape: shape, values: values, elementType: x.elementType))]
        default:
          throw args.fail("operands have different element types (\(a.elementType), \(b.elementType))")
        }
      }
    }
  }
}

/// The NumPy broadcast of two shapes, or an error naming the node.
func broadcastShape(_ a: [Int], _ b: [Int], _ args: ONNXArguments) throws -> [Int] {
  let rank = max(a.count, b.count)
  let l = Array(repeating: 1, count: rank - a.count) + a
  let r = Array(repeating: 1, count: rank - b.count) + b
  return try (0..<rank).map { axis in
    guard l[axis] == r[axis] || l[axis] == 1 || r[axis] == 1 else {
      throw args.fail("shapes \(a) and \(b) do not broadcast")
    }
    return l[axis] == 1 ? r[axis] : l[axis]
  }
}
