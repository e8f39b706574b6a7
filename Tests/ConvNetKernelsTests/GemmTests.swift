import ConvNetKernels
import TestSupport
import XCTest

final class GemmTests: XCTestCase {
  /// Every transpose combination, odd sizes and beta ≠ 0 against the reference twin.
  func testGemmMatchesReference() {
    var generator = SystemRandomNumberGenerator()
    for (m, n, k) in [(1, 1, 1), (3, 5, 7), (17, 33, 9), (64, 31, 65)] {
      for transposeA in [false, true] {
        for transposeB in [false, true] {
          let a = (0..<(m * k)).map { _ in Float.random(in: -1...1, using: &generator) }
          let b = (0..<(k * n)).map { _ in Float.random(in: -1...1, using: &generator) }
          let c0 = (0..<(m * n)).map { _ in Float.random(in: -1...1, using: &generator) }
          var fast = c0
          var reference = c0
          let lda = transposeA ? m : k
          let ldb = transposeB ? k : n
          gemm(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 0.5, a: a,
            lda: lda, b: b, ldb: ldb, beta: 0.25, c: &fast, ldc: n)
          gemmReference(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 0.5, a: a,
            lda: lda, b: b, ldb: ldb, beta: 0.25, c: &reference, ldc: n)
          assertClose(fast, reference, absoluteTolerance: 1e-4, "m\(m) n\(n) k\(k) tA\(transposeA) tB\(transposeB)")
        }
      }
    }
  }
}
