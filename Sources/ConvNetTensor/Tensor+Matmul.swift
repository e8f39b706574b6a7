import ConvNetKernels

extension Tensor {
  /// Matrix product of two rank-2 tensors: [M, K] × [K, N] → [M, N].
  /// `transposeSelf`/`transposeOther` multiply by the transpose without materialising it.
  public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false)
    -> Tensor
  {
    precondition(
      rank == 2 && other.rank == 2, "matmul: expects rank-2 tensors, got \(shape) and \(other.shape)")
    let m = transposeSelf ? shape[1] : shape[0]
    let k = transposeSelf ? shape[0] : shape[1]
    let otherK = transposeOther ? other.shape[1] : other.shape[0]
    let n = transposeOther ? other.shape[0] : other.shape[1]
    precondition(k == otherK, "matmul: inner dimensions differ: \(shape) × \(other.shape)")
    var result = Tensor(uninitializedShape: [m, n])
    if k == 0 {
      return Tensor.zeros([m, n])
    }
    gemm(
      transposeA: transposeSelf, transposeB: transposeOther, m: m, n: n, k: k,
      alpha: 1, a: readOnlyElements, lda: shape[1], b: other.readOnlyElements, ldb: other.shape[1],
      beta: 0, c: result.uniqueElements(), ldc: n)
    return result
  }

  /// The transpose of a rank-2 tensor.
  public func transposed() -> Tensor {
    precondition(rank == 2, "transposed: expects a rank-2 tensor, got \(shape)")
    let rows = shape[0]
    let columns = shape[1]
    var result = Tensor(uninitializedShape: [columns, rows])
    let a = readOnlyElements
    let c = result.uniqueElements()
    for i in 0..<rows {
      for j in 0..<columns { c[j * rows + i] = a[i * columns + j] }
    }
    return result
  }
}
