import CConvNetKernels

/// Which micro-kernel `gemm` runs its register tiles on.
public enum GemmMicroKernel: Sendable {
  /// The active SIMD level's (`SIMDLevel.active`: by default the best this CPU has — AVX-512,
  /// AVX2 + FMA, or portable C).
  case fastest
  /// Plain C that any CPU runs; lets tests cover that path on an AVX2 machine.
  case portable

  /// The `simd_level` argument of the C kernels.
  var simdLevel: Int32 { self == .fastest ? GemmTuning.simdLevel : 0 }
}

/// Single-precision GEMM: C = alpha · op(A) · op(B) + beta · C, row-major.
///
/// Same contract as `gemmReference`. When `beta == 0`, C is only written, never read.
/// The work is done by the packed-panel C kernels in CConvNetKernels (sgemm*.c: 6×16 AVX2+FMA
/// micro-kernel chosen at run time, portable C otherwise); from 128³ multiply-adds up, C is cut
/// into one slab per core and the slabs run in parallel. Does not allocate in steady state.
/// Shapes: op(A) is m×k (A is stored k×m when `transposeA`), op(B) is k×n (B is stored n×k when
/// `transposeB`), C is m×n; `lda`, `ldb`, `ldc` are the row strides of the stored matrices.
public func gemm(
  transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
  alpha: Float, a: UnsafePointer<Float>, lda: Int,
  b: UnsafePointer<Float>, ldb: Int,
  beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
  gemm(
    transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a,
    lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, bias: nil, biasAlongRows: false,
    relu: false)
}

/// `gemm` with a fused epilogue: C = act(alpha · op(A) · op(B) + beta · C + bias).
///
/// The bias and ReLU are applied to each register tile of C right after it is computed (while
/// it is still in L1), which saves the separate passes over C a layer would otherwise make.
/// - Parameters:
///   - bias: nil for none. With `biasAlongRows`, m values and `bias[i]` is added to every
///     element of row i (convolution as W · im2col: one bias per output channel = row);
///     otherwise n values and `bias[j]` is added to column j (fully connected as X · Wᵀ).
///   - relu: afterwards replace negative elements of C with 0 (NaN stays NaN).
///   - microKernel: `.fastest` for normal use; `.portable` forces the plain-C kernel.
///   - Others: as in `gemm(transposeA:transposeB:m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)`.
public func gemm(
  transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
  alpha: Float, a: UnsafePointer<Float>, lda: Int,
  b: UnsafePointer<Float>, ldb: Int,
  beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int,
  bias: UnsafePointer<Float>?, biasAlongRows: Bool, relu: Bool,
  microKernel: GemmMicroKernel = .fastest
) {
  precondition(m >= 0 && n >= 0 && k >= 0, "gemm: negative size m \(m) n \(n) k \(k)")
  precondition(
    lda >= (transposeA ? m : k) && ldb >= (transposeB ? k : n) && ldc >= n,
    "gemm: leading dimension too small: lda \(lda) ldb \(ldb) ldc \(ldc) for m \(m) n \(n) k \(k)")
  if m == 0 || n == 0 { return }
  let simdLevel = microKernel.simdLevel

  // One single-threaded C call on the block rows × columns of C.
  func run(rows: Range<Int>, columns: Range<Int>) {
    let aPart = transposeA ? a + rows.lowerBound : a + rows.lowerBound * lda
    let bPart = transposeB ? b + columns.lowerBound * ldb : b + columns.lowerBound
    let biasPart = bias.map { biasAlongRows ? $0 + rows.lowerBound : $0 + columns.lowerBound }
    cn_sgemm(
      simdLevel, transposeA ? 1 : 0, transposeB ? 1 : 0, rows.count, columns.count, k, alpha,
      aPart, lda, bPart, ldb, beta, c + rows.lowerBound * ldc + columns.lowerBound, ldc,
      biasPart, biasAlongRows ? 1 : 0, relu ? 1 : 0)
  }

  let threads =
    m == 1
    ? GemmTuning.vectorMatrixThreadCount(n: n, k: k) : GemmTuning.threadCount(m: m, n: n, k: k)
  forEachSlab(m: m, n: n, threads: threads, run)
}

/// Floats `packGemmOperand` writes for an m×k A.
public func packedGemmOperandCount(m: Int, k: Int) -> Int { cn_sgemm_packed_a_count(m, k) }

/// Packs op(A) (m×k; A stored k×m when `transposeA`) into the micro-kernel's panel layout, over
/// the whole depth, for `gemmPacked` and `gemmIm2col(packedA:)`: an A that multiplies many
/// right-hand sides (a convolution's weight, image after image, or Winograd's transformed
/// weights, block after block) is then packed once. Writes `packedGemmOperandCount(m:k:)` floats.
public func packGemmOperand(
  transposeA: Bool, m: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
  into packed: UnsafeMutablePointer<Float>
) {
  cn_sgemm_pack_a_panels(transposeA ? 1 : 0, m, k, a, lda, packed)
}

/// `gemm` with A prepacked by `packGemmOperand` and B stored untransposed, single-threaded:
/// C = alpha · A · B + beta · C (+ bias per row of C, when given).
public func gemmPacked(
  m: Int, n: Int, k: Int, alpha: Float = 1, packedA: UnsafePointer<Float>,
  b: UnsafePointer<Float>, ldb: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int,
  bias: UnsafePointer<Float>? = nil, microKernel: GemmMicroKernel = .fastest
) {
  precondition(
    m >= 0 && n >= 0 && k >= 0 && ldb >= n && ldc >= n,
    "gemmPacked: sizes m \(m) n \(n) k \(k) ldb \(ldb) ldc \(ldc)")
  cn_sgemm_packed(
    microKernel.simdLevel, m, n, k, alpha, packedA, b, ldb, beta, c, ldc, bias,
    bias == nil ? 0 : 1, 0, nil, 0)
}

/// Floats of the prepacked form of a k×n B (`packGemmBOperand`): ⌈n/16⌉·16·k.
public func packedGemmBOperandCount(k: Int, n: Int) -> Int { cn_sgemm_packed_b_count(k, n) }

/// Packs B (k×n, rows ldb apart) into the micro-kernel's panels of 16 columns over the whole
/// depth — the layout `gemmPackedAB` reads, which the Winograd F(4×4, 3×3) input transform
/// writes directly. Writes `packedGemmBOperandCount(k:n:)` floats (columns past n zero).
public func packGemmBOperand(
  k: Int, n: Int, b: UnsafePointer<Float>, ldb: Int, into packed: UnsafeMutablePointer<Float>
) {
  precondition(k >= 0 && n >= 0 && ldb >= n, "packGemmBOperand: sizes k \(k) n \(n) ldb \(ldb)")
  cn_sgemm_pack_b_panels(k, n, b, ldb, packed)
}

/// C = A · B (overwritten), single-threaded, with A prepacked by `packGemmOperand` and B by
/// `packGemmBOperand`: neither is packed again.
public func gemmPackedAB(
  m: Int, n: Int, k: Int, packedA: UnsafePointer<Float>, packedB: UnsafePointer<Float>,
  c: UnsafeMutablePointer<Float>, ldc: Int, microKernel: GemmMicroKernel = .fastest
) {
  precondition(m >= 0 && n >= 0 && k >= 0 && ldc >= n, "gemmPackedAB: sizes m \(m) n \(n) k \(k) ldc \(ldc)")
  cn_sgemm_packed_ab(microKernel.simdLevel, m, n, k, packedA, packedB, c, ldc)
}

/// Cuts an m×n C into one independent slab per thread and runs `body(rows, columns)` on each in
/// parallel (inline when `threads` is 1). Slabs are cut on register-tile boundaries so that no
/// thread gets extra edge tiles. Each thread packs its own panels, so the operand shared by all
/// slabs is packed once per thread: split the rows of C when B is the smaller one (n < m; e.g.
/// late convolution layers at batch 1: large weights, few pixels), else the columns (then A is
/// packed twice) — unless that side has too few tiles to go round.
func forEachSlab(
  m: Int, n: Int, threads: Int, _ body: (_ rows: Range<Int>, _ columns: Range<Int>) -> Void
) {
  if threads == 1 {
    body(0..<m, 0..<n)
    return
  }
  let rowTiles = (m + GemmTuning.tileRows - 1) / GemmTuning.tileRows
  let columnTiles = (n + GemmTuning.tileColumns - 1) / GemmTuning.tileColumns
  // Deterministic mode cuts columns only: a slab of rows can be a single row, which `cn_sgemm`
  // computes with dot products that add in a different order (see `Parallelism.isDeterministic`).
  let splitRows =
    !Parallelism.isDeterministic && ((n < m && rowTiles >= threads) || columnTiles < threads)
  let tiles = splitRows ? rowTiles : columnTiles
  let tileSize = splitRows ? GemmTuning.tileRows : GemmTuning.tileColumns
  let extent = splitRows ? m : n
  let chunks = min(threads, tiles)
  parallelFor(chunks) { chunk in
    let start = min(extent, tiles * chunk / chunks * tileSize)
    let end = min(extent, tiles * (chunk + 1) / chunks * tileSize)
    if start == end { return }
    if splitRows {
      body(start..<end, 0..<n)
    } else {
      body(0..<m, start..<end)
    }
  }
}

/// Constants that decide how `gemm` spreads work over threads.
enum GemmTuning {
  /// Rows (MR) and columns (NR) of the C micro-kernel's register tile.
  static let tileRows = Int(CN_SGEMM_MR)
  static let tileColumns = Int(CN_SGEMM_NR)

  /// Below this many multiply-adds a second thread costs more to wake than it saves.
  static let multiThreadThreshold = 128 * 128 * 128

  /// The active SIMD level (`SIMDLevel.active`), read on every call so that a level switched
  /// between calls takes effect.
  static var simdLevel: Int32 { cn_simd_level() }

  /// A vector–matrix product (m = 1: a fully-connected layer at batch 1) reads every element of
  /// B once for one multiply-add: it is bound by memory, not arithmetic, so from 1 MiB of B
  /// (MobileNetV2's 1280×1000 classifier: 5 MB) the cores stream their halves of B in
  /// parallel. Each element of C is one dot product whichever slab it falls in, so the values do
  /// not change.
  static func vectorMatrixThreadCount(n: Int, k: Int) -> Int {
    if Parallelism.threadCount == 1 || n * k < 256 * 1024 { return 1 }
    return Parallelism.threadCount
  }

  static func threadCount(m: Int, n: Int, k: Int) -> Int {
    let work = Double(m) * Double(n) * Double(k)
    if Parallelism.threadCount == 1 || work < Double(multiThreadThreshold) { return 1 }
    return Parallelism.threadCount
  }
}
