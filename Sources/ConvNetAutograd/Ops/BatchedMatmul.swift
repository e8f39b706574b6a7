import ConvNetKernels
import ConvNetTensor

/// Batched matrix product: C[b] = op(A[b])·op(B[b]) for A [B, M, K] and B [B, K, N] → C [B, M, N]
/// (PyTorch's `bmm`; `transposeA`/`transposeB` multiply by A[b]ᵀ / B[b]ᵀ, stored [B, K, M] /
/// [B, N, K], without materialising the transpose — attention's Q·Kᵀ). Either batch may be 1
/// and is then shared by every matrix of the other (NumPy broadcasting of the batch axis; the
/// shared operand's gradient sums over the batch). Each product is one `gemm` call.
public func bmm(_ lhs: Variable, _ rhs: Variable, transposeA: Bool = false, transposeB: Bool = false)
  -> Variable
{
  let (a, b) = (lhs.value, rhs.value)
  precondition(a.rank == 3 && b.rank == 3, "bmm: expects rank-3 operands, got \(a.shape) and \(b.shape)")
  let (m, k) = transposeA ? (a.shape[2], a.shape[1]) : (a.shape[1], a.shape[2])
  let (otherK, n) = transposeB ? (b.shape[2], b.shape[1]) : (b.shape[1], b.shape[2])
  let (batchA, batchB) = (a.shape[0], b.shape[0])
  precondition(
    k == otherK && (batchA == batchB || batchA == 1 || batchB == 1),
    "bmm: \(a.shape)\(transposeA ? "ᵀ" : "") and \(b.shape)\(transposeB ? "ᵀ" : "") do not multiply")
  let batch = max(batchA, batchB)
  // Element offsets of matrix i of each operand (0 for a shared operand).
  let strideA = batchA == 1 ? 0 : m * k
  let strideB = batchB == 1 ? 0 : k * n
  var output = Tensor(uninitializedShape: [batch, m, n])
  batchedGemm(
    batch: batch, transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
    a: a.readOnlyElements, strideA: strideA, lda: a.shape[2],
    b: b.readOnlyElements, strideB: strideB, ldb: b.shape[2],
    c: output.uniqueElements(), strideC: m * n, accumulate: false)
  return Variable.makeOutput(output, name: "bmm", inputs: [lhs, rhs]) { gradient in
    let dC = gradient.readOnlyElements
    var gradientA: Tensor?
    var gradientB: Tensor?
    if lhs.requiresGrad {
      // op(A) = dC·op(B)ᵀ, so dA = dC·op(B)ᵀ, or its transpose op(B)·dCᵀ when A is stored transposed.
      var result = Tensor(uninitializedShape: a.shape)
      if transposeA {
        batchedGemm(
          batch: batch, transposeA: transposeB, transposeB: true, m: k, n: m, k: n,
          a: b.readOnlyElements, strideA: strideB, lda: b.shape[2], b: dC, strideB: m * n, ldb: n,
          c: result.uniqueElements(), strideC: batchA == 1 ? 0 : k * m, accumulate: batchA == 1)
      } else {
        batchedGemm(
          batch: batch, transposeA: false, transposeB: !transposeB, m: m, n: k, k: n,
          a: dC, strideA: m * n, lda: n, b: b.readOnlyElements, strideB: strideB, ldb: b.shape[2],
          c: result.uniqueElements(), strideC: batchA == 1 ? 0 : m * k, accumulate: batchA == 1)
      }
      gradientA = result
    }
    if rhs.requiresGrad {
      // dB = op(A)ᵀ·dC, or dCᵀ·op(A) when B is stored transposed.
      var result = Tensor(uninitializedShape: b.shape)
      if transposeB {
        batchedGemm(
          batch: batch, transposeA: true, transposeB: transposeA, m: n, n: k, k: m,
          a: dC, strideA: m * n, lda: n, b: a.readOnlyElements, strideB: strideA, ldb: a.shape[2],
          c: result.uniqueElements(), strideC: batchB == 1 ? 0 : n * k, accumulate: batchB == 1)
      } else {
        batchedGemm(
          batch: batch, transposeA: !transposeA, transposeB: false, m: k, n: n, k: m,
          a: a.readOnlyElements, strideA: strideA, lda: a.shape[2], b: dC, strideB: m * n, ldb: n,
          c: result.uniqueElements(), strideC: batchB == 1 ? 0 : k * n, accumulate: batchB == 1)
      }
      gradientB = result
    }
    return [gradientA, gradientB]
  }
}

/// `batch` GEMMs C_i = op(A_i)·op(B_i), the i-th matrices at i·stride. With `accumulate` (a
/// shared output, stride 0) the products are summed into one C, in batch order.
private func batchedGemm(
  batch: Int, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
  a: UnsafePointer<Float>, strideA: Int, lda: Int, b: UnsafePointer<Float>, strideB: Int, ldb: Int,
  c: UnsafeMutablePointer<Float>, strideC: Int, accumulate: Bool
) {
  if k == 0 || batch == 0 {
    // An empty product is zero (gemm with k = 0 would leave C unwritten).
    c.update(repeating: 0, count: accumulate ? m * n : batch * m * n)
    return
  }
  for i in 0..<batch {
    gemm(
      transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1,
      a: a + i * strideA, lda: lda, b: b + i * strideB, ldb: ldb,
      beta: accumulate && i > 0 ? 1 : 0, c: c + i * strideC, ldc: n)
  }
}
