/// The plain reference GEMM: C = alpha · op(A) · op(B) + beta · C, row-major.
///
/// `op(A)` is M×K (A is stored K×M when `transposeA`), `op(B)` is K×N (stored N×K when
/// `transposeB`), C is M×N. `lda`, `ldb`, `ldc` are the row strides of the stored matrices.
/// This is the algorithmic definition the fast `gemm` is tested against; it accumulates in
/// Double so that it is the more accurate of the two.
public func gemmReference(
  transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
  alpha: Float, a: UnsafePointer<Float>, lda: Int,
  b: UnsafePointer<Float>, ldb: Int,
  beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
  for i in 0..<m {
    for j in 0..<n {
      var sum = 0.0
      for p in 0..<k {
        let aValue = transposeA ? a[p * lda + i] : a[i * lda + p]
        let bValue = transposeB ? b[j * ldb + p] : b[p * ldb + j]
        sum += Double(aValue) * Double(bValue)
      }
      let previous = beta == 0 ? 0 : beta * c[i * ldc + j]  // beta = 0 ignores NaN in C, as BLAS
      c[i * ldc + j] = alpha * Float(sum) + previous
    }
  }
}
