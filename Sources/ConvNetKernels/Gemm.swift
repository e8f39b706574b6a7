/// Single-precision GEMM: C = alpha · op(A) · op(B) + beta · C, row-major.
///
/// Same contract as `gemmReference`. When `beta == 0`, C is only written, never read.
public func gemm(
  transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
  alpha: Float, a: UnsafePointer<Float>, lda: Int,
  b: UnsafePointer<Float>, ldb: Int,
  beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
  if m == 0 || n == 0 { return }
  // Loop order i-p-j keeps the innermost loop contiguous in B and C so that it vectorises.
  for i in 0..<m {
    let cRow = c + i * ldc
    if beta == 0 {
      cRow.update(repeating: 0, count: n)
    } else if beta != 1 {
      for j in 0..<n { cRow[j] *= beta }
    }
    for p in 0..<k {
      let aValue = alpha * (transposeA ? a[p * lda + i] : a[i * lda + p])
      if transposeB {
        for j in 0..<n { cRow[j] += aValue * b[j * ldb + p] }
      } else {
        let bRow = b + p * ldb
        for j in 0..<n { cRow[j] += aValue * bRow[j] }
      }
    }
  }
}
