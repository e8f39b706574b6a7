import ConvNetKernels
import TestSupport

/// The kernel pass of one GEMM an op runs — C[m, n] = op(A)·op(B) (+ bias along the columns)
/// (then ReLU), row-major and packed — by the fast `gemm`, whose epilogue fuses the bias and the
/// ReLU, against `gemmReference` followed by the same epilogue as plain loops.
func gemmPass(
  _ name: String, transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
  a: [Float], b: [Float], bias: [Float]? = nil, relu: Bool = false
) -> KernelPass {
  let (lda, ldb) = (transposeA ? m : k, transposeB ? k : n)
  return KernelPass(
    name, buffers: [.output(name, count: m * n)],
    fast: { c in
      gemm(
        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1, a: a, lda: lda,
        b: b, ldb: ldb, beta: 0, c: c[0], ldc: n, bias: bias, biasAlongRows: false, relu: relu)
    },
    reference: { c in
      gemmReference(
        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1, a: a, lda: lda,
        b: b, ldb: ldb, beta: 0, c: c[0], ldc: n)
      for i in 0..<m * n {
        let value = c[0][i] + (bias?[i % n] ?? 0)
        c[0][i] = relu ? max(value, 0) : value
      }
    })
}
