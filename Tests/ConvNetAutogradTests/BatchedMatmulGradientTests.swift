import ConvNetAutograd
import ConvNetTensor
import TestSupport
import XCTest

/// `bmm` (`Ops/BatchedMatmul.swift`): forward against a plain triple loop in Double, backward
/// against finite differences, for every combination of stored transposes and a shared (batch
/// 1) operand on either side; the GEMMs it runs are `gemm`, checked against `gemmReference`.
final class BatchedMatmulGradientTests: XCTestCase {
  func testBatchedMatmul() {
    let cases: [(batchA: Int, batchB: Int, m: Int, k: Int, n: Int, tA: Bool, tB: Bool, seed: UInt64)] = [
      (3, 3, 2, 4, 5, false, false, 1), (2, 2, 3, 2, 4, true, false, 2), (2, 2, 3, 5, 2, false, true, 3),
      (2, 2, 4, 3, 3, true, true, 4), (1, 3, 2, 3, 4, false, false, 5), (3, 1, 2, 3, 4, false, true, 6),
      (1, 2, 3, 2, 2, true, true, 7), (2, 1, 2, 2, 3, true, false, 8), (2, 2, 3, 0, 2, false, false, 9),
    ]
    for (batchA, batchB, m, k, n, tA, tB, seed) in cases {
      let shapeA = tA ? [batchA, k, m] : [batchA, m, k]
      let shapeB = tB ? [batchB, n, k] : [batchB, k, n]
      let batch = max(batchA, batchB)
      checkOp(
        "bmm \(shapeA)\(tA ? "ᵀ" : "") · \(shapeB)\(tB ? "ᵀ" : "")",
        inputs: [random(shapeA, seed: seed), random(shapeB, seed: seed + 50)],
        reference: indexFormula(shape: [batch, m, n]) { index, read in
          let (b, i, j) = (index[0], index[1], index[2])
          let (ba, bb) = (batchA == 1 ? 0 : b, batchB == 1 ? 0 : b)
          var total = 0.0
          for p in 0..<k {
            let left = read(0, tA ? [ba, p, i] : [ba, i, p])
            let right = read(1, tB ? [bb, j, p] : [bb, p, j])
            total += Double(left) * Double(right)
          }
          return Float(total)
        }, gradients: k == 0 ? nil : FiniteDifferences(tolerance: 1e-3)
      ) { bmm($0[0], $0[1], transposeA: tA, transposeB: tB) }
    }
  }

  /// The GEMMs of one batch element of attention's Q·Kᵀ, fast against the reference, with sizes
  /// large enough (≥ 128³) for the GEMM to split into slabs.
  func testGemmKernelPasses() {
    let (m, k, n) = (130, 128, 140)
    let (a, b) = (random([m, k], seed: 60).scalars, random([n, k], seed: 61).scalars)
    let dy = random([m, n], seed: 62).scalars
    checkOp(
      "bmm's GEMMs \(m)×\(k)·(\(n)×\(k))ᵀ",
      kernels: [
        gemmPass("forward Q·Kᵀ", transposeB: true, m: m, n: n, k: k, a: a, b: b),
        gemmPass("∂Q = dY·K", m: m, n: k, k: n, a: dy, b: b),
        gemmPass("∂K = dYᵀ·Q", transposeA: true, m: n, n: k, k: m, a: dy, b: a),
      ])
  }
}
