import ConvNetAutograd
import ConvNetTensor

/// Gemm and MatMul (NumPy semantics: 1-D operands promoted, batch axes broadcast).
///
/// Gemm with transB = 1 and a bias row — the fully connected layer PyTorch exports — runs as
/// `linear`; every other Gemm transposes with `indexGather` and multiplies with `matmul`.
/// A batched MatMul broadcasts the batch axes (`indexGather`) and multiplies with `bmm`.
enum ONNXMatrixOperators {
  static let compilers: [String: ONNXOperatorCompiler] = [
    "Gemm": { context in
      let alpha = try context.float("alpha", default: 1)
      let beta = try context.float("beta", default: 1)
      let transA = try context.int("transA", default: 0) != 0
      let transB = try context.int("transB", default: 0) != 0
      context.ignore("broadcast")  // opset < 7: C always broadcasts in the supported opsets
      try context.finish()
      return { args in
        var a = try args.float(0)
        var b = try args.float(1)
        let c = try args.optionalFloat(2)
        guard a.shape.count == 2, b.shape.count == 2 else {
          throw args.fail("A and B must be matrices, got \(a.shape) and \(b.shape)")
        }
        let k = transA ? a.shape[0] : a.shape[1]
        let kB = transB ? b.shape[1] : b.shape[0]
        guard k == kB else { throw args.fail("inner dimensions differ: A \(a.shape), B \(b.shape)") }
        let n = transB ? b.shape[0] : b.shape[1]
        if !transA, transB, alpha == 1, beta == 1, c == nil || c!.value.count == n && c!.shape.last == n {
          return [.float(linear(a, weight: b, bias: c?.reshaped([n])))]
        }
        if transA { a = transposed2D(a) }
        if transB { b = transposed2D(b) }
        var y = matmul(a, b)
        if alpha != 1 { y = y * alpha }
        if let c, beta != 0 {
          _ = try broadcastShape(y.shape, c.shape, args)
          y = y + (beta == 1 ? c : c * beta)
        }
        return [.float(y)]
      }
    },
    "MatMul": { context in
      try context.finish()
      return { args in [.float(try matrixProduct(try args.float(0), try args.float(1), args))] }
    },
  ]

  static func transposed2D(_ x: Variable) -> Variable {
    let (sources, shape) = IndexMaps.transpose(x.shape, permutation: [1, 0])
    return indexGather(x, sources: sources, shape: shape)
  }

  /// numpy.matmul on variables.
  static func matrixProduct(_ a: Variable, _ b: Variable, _ args: ONNXArguments) throws -> Variable {
    guard !a.shape.isEmpty, !b.shape.isEmpty else { throw args.fail("MatMul needs operands of rank ≥ 1") }
    let aIsVector = a.shape.count == 1
    let bIsVector = b.shape.count == 1
    let a2 = aIsVector ? a.reshaped([1, a.shape[0]]) : a
    let b2 = bIsVector ? b.reshaped([b.shape[0], 1]) : b
    let (m, k) = (a2.shape[a2.shape.count - 2], a2.shape[a2.shape.count - 1])
    let (kB, n) = (b2.shape[b2.shape.count - 2], b2.shape[b2.shape.count - 1])
    guard k == kB else { throw args.fail("inner dimensions differ: \(a.shape) × \(b.shape)") }
    let batchA = Array(a2.shape.dropLast(2))
    let batchB = Array(b2.shape.dropLast(2))
    let batch = try broadcastShape(batchA, batchB, args)
    var result: Variable
    if batchB.allSatisfy({ $0 == 1 }) && batch == batchA {
      // [..., M, K] × [K, N]: one product over all rows.
      let rows = a2.value.count / max(k, 1)
      result = matmul(a2.reshaped([rows, k]), b2.reshaped([k, n])).reshaped(batch + [m, n])
    } else {
      let count = batch.reduce(1, *)
      let aFull = expandBatch(a2, to: batch + [m, k]).reshaped([count, m, k])
      let bFull = expandBatch(b2, to: batch + [k, n]).reshaped([count, k, n])
      result = count == 0 ? Variable(Tensor.zeros([0, m, n])) : bmm(aFull, bFull)
      result = result.reshaped(batch + [m, n])
    }
    var shape = result.shape
    if bIsVector { shape.removeLast() }
    if aIsVector { shape.remove(at: shape.count - (bIsVector ? 1 : 2)) }
    return result.reshaped(shape)
  }

  /// x broadcast to `shape` (only when it differs).
  static func expandBatch(_ x: Variable, to shape: [Int]) -> Variable {
    if x.shape == shape { return x }
    return indexGather(x, sources: IndexMaps.expand(x.shape, to: shape), shape: shape)
  }
}
