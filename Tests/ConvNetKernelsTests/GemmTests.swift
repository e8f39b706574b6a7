import ConvNetKernels
import TestSupport
import XCTest

/// The fast `gemm` against the Double-accumulating `gemmReference` (tier d: reference vs fast).
final class GemmTests: XCTestCase {
  /// One product to check: sizes, transposes, scalars and leading-dimension padding.
  struct Case: CustomStringConvertible {
    var m: Int, n: Int, k: Int
    var transposeA = false, transposeB = false
    var alpha: Float = 1, beta: Float = 0
    /// Extra floats at the end of every stored row of A, B and C (lda = minimum + padding).
    var padding = 0
    /// Fill C with NaN beforehand; only meaningful with beta == 0, where C must not be read.
    var nanC = false
    /// The fused epilogue: a bias per row or per column of C, then ReLU.
    var bias = Bias.none
    var relu = false

    enum Bias { case none, perRow, perColumn }

    var description: String {
      "m \(m) n \(n) k \(k) tA \(transposeA) tB \(transposeB) alpha \(alpha) beta \(beta) "
        + "pad \(padding) nanC \(nanC) bias \(bias) relu \(relu)"
    }
  }

  /// Runs `gemm` and `gemmReference` on the same random inputs and compares all of C,
  /// padding included (so writes outside the m×n block are caught: the reference leaves it) —
  /// at every SIMD level this CPU supports (`forEachSIMDLevel`).
  func check(
    _ test: Case, microKernel: GemmMicroKernel = .fastest, file: StaticString = #filePath,
    line: UInt = #line
  ) {
    forEachSIMDLevel { level in
      check(test, microKernel: microKernel, level: level, file: file, line: line)
    }
  }

  /// `check` at the active SIMD level, `level`, which failure messages name.
  func check(
    _ test: Case, microKernel: GemmMicroKernel, level: SIMDLevel, file: StaticString,
    line: UInt
  ) {
    var generator = SplitMix64(seed: UInt64(test.m * 1_000_003 + test.n * 1009 + test.k))
    let aRows = test.transposeA ? test.k : test.m
    let aColumns = test.transposeA ? test.m : test.k
    let bRows = test.transposeB ? test.n : test.k
    let bColumns = test.transposeB ? test.k : test.n
    let lda = aColumns + test.padding
    let ldb = bColumns + test.padding
    let ldc = test.n + test.padding
    let a = (0..<(aRows * lda)).map { _ in Float.random(in: -1...1, using: &generator) }
    let b = (0..<(bRows * ldb)).map { _ in Float.random(in: -1...1, using: &generator) }
    var c0 = (0..<(test.m * ldc)).map { _ in Float.random(in: -1...1, using: &generator) }
    if test.nanC {
      for i in 0..<test.m { for j in 0..<test.n { c0[i * ldc + j] = .nan } }
    }
    let bias: [Float]? =
      switch test.bias {
      case .none: nil
      case .perRow: (0..<test.m).map { _ in Float.random(in: -1...1, using: &generator) }
      case .perColumn: (0..<test.n).map { _ in Float.random(in: -1...1, using: &generator) }
      }
    var fast = c0
    var reference = c0
    gemm(
      transposeA: test.transposeA, transposeB: test.transposeB, m: test.m, n: test.n, k: test.k,
      alpha: test.alpha, a: a, lda: lda, b: b, ldb: ldb, beta: test.beta, c: &fast, ldc: ldc,
      bias: bias, biasAlongRows: test.bias == .perRow, relu: test.relu, microKernel: microKernel)
    gemmReference(
      transposeA: test.transposeA, transposeB: test.transposeB, m: test.m, n: test.n, k: test.k,
      alpha: test.alpha, a: a, lda: lda, b: b, ldb: ldb, beta: test.beta, c: &reference, ldc: ldc)
    // The epilogue, written out: add the bias by row or by column, then clamp negatives.
    for i in 0..<test.m {
      for j in 0..<test.n {
        var value = reference[i * ldc + j]
        switch test.bias {
        case .none: break
        case .perRow: value += bias![i]
        case .perColumn: value += bias![j]
        }
        if test.relu && value < 0 { value = 0 }
        reference[i * ldc + j] = value
      }
    }
    // Float accumulation over k terms of size ≤ 1: error grows roughly like √k · ε · √k.
    let tolerance = 1e-5 * Float(max(test.k, 16))
    assertClose(
      fast, reference, absoluteTolerance: tolerance, relativeTolerance: 1e-5,
      "\(test) \(microKernel) simd \(level)", file: file, line: line)
  }

  /// All four transpose combinations.
  func forEachTranspose(_ body: (Bool, Bool) -> Void) {
    for transposeA in [false, true] {
      for transposeB in [false, true] { body(transposeA, transposeB) }
    }
  }

  func testSmallAndOddSizesEveryTranspose() {
    let sizes = [
      (1, 1, 1), (1, 17, 1), (17, 1, 3), (3, 5, 7), (6, 16, 1), (7, 17, 2), (5, 15, 31),
      (17, 33, 9), (64, 31, 65), (12, 32, 25), (13, 97, 101), (6, 784, 25), (16, 100, 150),
    ]
    for (m, n, k) in sizes {
      forEachTranspose { transposeA, transposeB in
        check(Case(m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB))
        check(
          Case(
            m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB, alpha: 0.5,
            beta: 0.25, padding: 3))
      }
    }
  }

  /// Sizes just below, at and above the cache blocks (KC = 384, MC = 144) and the register tile.
  func testBlockBoundariesEveryTranspose() {
    let sizes = [
      (143, 17, 383), (144, 16, 384), (145, 18, 385), (150, 37, 769), (289, 23, 40),
      (11, 211, 293), (151, 157, 163),
    ]
    for (m, n, k) in sizes {
      forEachTranspose { transposeA, transposeB in
        check(
          Case(
            m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB, alpha: -1.5,
            beta: 1, padding: 5))
      }
    }
  }

  /// More than NC = 1024 columns (4× over), so the outer column blocking runs several times.
  func testWideMatrixCrossesColumnBlock() {
    forEachTranspose { transposeA, transposeB in
      check(
        Case(m: 7, n: 4111, k: 9, transposeA: transposeA, transposeB: transposeB, beta: 0.5))
      check(Case(m: 3, n: 4097, k: 300, transposeA: transposeA, transposeB: transposeB))
    }
  }

  /// One row of C (m = 1, the vector–matrix path used by batch-1 fully-connected layers),
  /// including more than 2048 columns and (1×262147×9; 1×1000×300, a classifier at batch 1,
  /// over the vector–matrix threshold of 256 Ki elements of B) a split over threads.
  func testSingleRowEveryTranspose() {
    for transposeB in [false, true] {
      check(Case(m: 1, n: 262_147, k: 9, transposeB: transposeB, alpha: 2, beta: -1))
      check(Case(m: 1, n: 1000, k: 300, transposeB: transposeB, alpha: 1, beta: 0))
    }
    for (n, k) in [(1, 9), (10, 84), (120, 400), (84, 7), (2053, 37)] {
      forEachTranspose { transposeA, transposeB in
        check(
          Case(
            m: 1, n: n, k: k, transposeA: transposeA, transposeB: transposeB, alpha: 0.5,
            beta: 0.25, padding: 2))
        check(Case(m: 1, n: n, k: k, transposeA: transposeA, transposeB: transposeB, nanC: true))
      }
    }
  }

  /// The fused bias + ReLU epilogue on every path: one row, m ≤ 6 with B read in place,
  /// blocked with several K blocks, threaded, k = 0, and the portable kernel.
  func testEpilogueBiasAndReLU() {
    for bias in [Case.Bias.perRow, .perColumn] {
      check(Case(m: 130, n: 301, k: 149, transposeB: true, beta: 1, bias: bias, relu: true))
    }
    for (m, n, k) in [(1, 37, 20), (5, 33, 40), (13, 97, 300), (40, 37, 300), (7, 9, 0)] {
      forEachTranspose { transposeA, transposeB in
        for bias in [Case.Bias.none, .perRow, .perColumn] {
          check(
            Case(
              m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB, alpha: 0.5,
              beta: 0.25, padding: 1, bias: bias, relu: true))
          check(
            Case(
              m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB, beta: 0,
              nanC: true, bias: bias, relu: bias == .perRow))
        }
      }
    }
    check(Case(m: 13, n: 97, k: 101, bias: .perColumn, relu: true), microKernel: .portable)
  }

  /// `gemmPacked` with A packed once by `packGemmOperand` (from A or from a stored Aᵀ): partial
  /// row panels, several depth blocks (k > 384) and row blocks (m > 144), bias, beta, and the
  /// portable kernel.
  /// A C whose width leaves 1–4 columns past its full register tiles computes that last strip
  /// with a narrow kernel (AVX-512), which runs the same chain of FMAs as the full tile: its
  /// columns are bit-identical to the same columns of a wider C (where they sit in a full tile),
  /// and so is every other column. 5 extra columns take the full kernel as before. m = 61 is 11
  /// row panels: the narrow kernel's groups of 8, 4, 3 and 2 panels with their remainders, the
  /// last panel one row tall.
  func testNarrowLastStripMatchesFullTileBits() {
    forEachSIMDLevel { level in
      for m in [13, 61] { checkNarrowLastStrip(m: m, level: level) }
    }
  }

  func checkNarrowLastStrip(m: Int, level: SIMDLevel) {
    var generator = SplitMix64(seed: 17)
    let (k, wide) = (300, 48)
    let a = (0..<(m * k)).map { _ in Float.random(in: -1...1, using: &generator) }
    let b = (0..<(k * wide)).map { _ in Float.random(in: -1...1, using: &generator) }
    var packed = [Float](repeating: .nan, count: packedGemmOperandCount(m: m, k: k))
    packGemmOperand(transposeA: false, m: m, k: k, a: a, lda: k, into: &packed)
    var full = [Float](repeating: .nan, count: m * wide)
    gemmPacked(m: m, n: wide, k: k, alpha: 0.5, packedA: packed, b: b, ldb: wide, beta: 0, c: &full, ldc: wide)
    for n in 33...37 {
      var narrow = [Float](repeating: .nan, count: m * n)
      gemmPacked(m: m, n: n, k: k, alpha: 0.5, packedA: packed, b: b, ldb: wide, beta: 0, c: &narrow, ldc: n)
      for i in 0..<m {
        for j in 0..<n {
          XCTAssertEqual(
            narrow[i * n + j].bitPattern, full[i * wide + j].bitPattern,
            "C[\(i), \(j)] of m \(m) n \(n) simd \(level)")
        }
      }
    }
  }

  func testPrepackedOperand() {
    forEachSIMDLevel { level in checkPrepackedOperand(level: level) }
  }

  func checkPrepackedOperand(level: SIMDLevel) {
    var generator = SplitMix64(seed: 5)
    // n ≤ 16 with k up to 1,024 is one depth block (29 × 16 × 1,000, 13 × 5 × 700); beyond, blocks.
    for (m, n, k) in [
      (7, 33, 5), (13, 97, 385), (145, 40, 30), (301, 17, 800), (29, 16, 1000), (13, 5, 700),
      (19, 16, 1100),
    ] {
      for transposeA in [false, true] {
        for microKernel in [GemmMicroKernel.fastest, .portable] {
          let a = (0..<(m * k)).map { _ in Float.random(in: -1...1, using: &generator) }
          let b = (0..<(k * n)).map { _ in Float.random(in: -1...1, using: &generator) }
          let bias = (0..<m).map { _ in Float.random(in: -1...1, using: &generator) }
          let c0 = (0..<(m * n)).map { _ in Float.random(in: -1...1, using: &generator) }
          var expected = c0
          gemmReference(
            transposeA: transposeA, transposeB: false, m: m, n: n, k: k, alpha: 0.5, a: a,
            lda: transposeA ? m : k, b: b, ldb: n, beta: 0.25, c: &expected, ldc: n)
          for i in 0..<m { for j in 0..<n { expected[i * n + j] += bias[i] } }
          var packed = [Float](repeating: .nan, count: packedGemmOperandCount(m: m, k: k))
          packGemmOperand(
            transposeA: transposeA, m: m, k: k, a: a, lda: transposeA ? m : k, into: &packed)
          var actual = c0
          gemmPacked(
            m: m, n: n, k: k, alpha: 0.5, packedA: packed, b: b, ldb: n, beta: 0.25, c: &actual,
            ldc: n, bias: bias, microKernel: microKernel)
          assertClose(
            actual, expected, absoluteTolerance: 1e-3,
            "m \(m) n \(n) k \(k) transposeA \(transposeA) \(microKernel) simd \(level)")
        }
      }
    }
  }

  /// Both operands prepacked (`gemmPackedAB`, the Winograd F(4×4, 3×3) GEMMs): against the
  /// reference, over several depth blocks (k > 384) and column blocks (n > 1,024), a last strip
  /// of 1 column (the narrow kernel) and of 9, and C rows apart wider than n.
  func testBothOperandsPrepacked() {
    forEachSIMDLevel { level in
      var generator = SplitMix64(seed: 23)
      for (m, n, k) in [(7, 33, 5), (61, 1041, 400), (13, 25, 800)] {
        for microKernel in [GemmMicroKernel.fastest, .portable] {
          let ldc = n + 3
          let a = (0..<(m * k)).map { _ in Float.random(in: -1...1, using: &generator) }
          let b = (0..<(k * n)).map { _ in Float.random(in: -1...1, using: &generator) }
          var expected = [Float](repeating: 0, count: m * ldc)
          gemmReference(
            transposeA: false, transposeB: false, m: m, n: n, k: k, alpha: 1, a: a, lda: k,
            b: b, ldb: n, beta: 0, c: &expected, ldc: ldc)
          var packedA = [Float](repeating: .nan, count: packedGemmOperandCount(m: m, k: k))
          packGemmOperand(transposeA: false, m: m, k: k, a: a, lda: k, into: &packedA)
          var packedB = [Float](repeating: .nan, count: packedGemmBOperandCount(k: k, n: n))
          packGemmBOperand(k: k, n: n, b: b, ldb: n, into: &packedB)
          var actual = [Float](repeating: .nan, count: m * ldc)
          for i in 0..<m { for j in n..<ldc { actual[i * ldc + j] = 0 } }
          gemmPackedAB(
            m: m, n: n, k: k, packedA: packedA, packedB: packedB, c: &actual, ldc: ldc,
            microKernel: microKernel)
          assertClose(
            actual, expected, absoluteTolerance: 1e-3, "m \(m) n \(n) k \(k) \(microKernel) simd \(level)")
        }
      }
    }
  }

  /// beta = 0 must overwrite C without reading it, even when C holds NaN.
  func testBetaZeroIgnoresNaNInC() {
    for (m, n, k) in [(5, 7, 3), (6, 16, 8), (31, 47, 300), (200, 150, 260)] {
      forEachTranspose { transposeA, transposeB in
        check(
          Case(
            m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB, alpha: 2,
            beta: 0, padding: 1, nanC: true))
      }
    }
  }

  /// k = 0 and alpha = 0 leave C = beta · C (and C = 0 for beta = 0, even over NaN).
  func testEmptyProductScalesC() {
    check(Case(m: 9, n: 20, k: 0, beta: 0.5, padding: 2))
    check(Case(m: 9, n: 20, k: 0, beta: 0, nanC: true))
    check(Case(m: 9, n: 20, k: 13, alpha: 0, beta: -2))
    check(Case(m: 0, n: 20, k: 13, beta: 1))
    check(Case(m: 9, n: 0, k: 13, beta: 1))
  }

  /// Big enough to be split between threads, along the columns (wide C) and the rows (tall C).
  func testThreadedSizesEveryTranspose() {
    for (m, n, k) in [(130, 301, 149), (401, 29, 211), (256, 256, 256)] {
      forEachTranspose { transposeA, transposeB in
        check(
          Case(
            m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB, alpha: 0.75,
            beta: -0.5, padding: 7))
      }
    }
  }

  /// The plain-C micro-kernel, forced, so it is covered on AVX2 machines too.
  func testPortableMicroKernelMatchesReference() {
    for (m, n, k) in [(1, 1, 1), (7, 17, 2), (13, 97, 101), (145, 18, 257), (130, 301, 149)] {
      forEachTranspose { transposeA, transposeB in
        check(
          Case(
            m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB, alpha: 0.5,
            beta: 0.25, padding: 2), microKernel: .portable)
        check(
          Case(
            m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB, beta: 0,
            nanC: true), microKernel: .portable)
      }
    }
  }
}

/// SplitMix64, so every case gets the same inputs on every run (this test target does not see
/// ConvNetTensor's generator).
private struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
