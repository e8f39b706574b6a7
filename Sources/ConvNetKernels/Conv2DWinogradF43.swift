import CConvNetKernels

// Winograd F(4×4, 3×3) forward convolution, for prepared inference (`PreparedConv2D`): 36
// multiply-adds per 4×4 output tile and channel pair instead of 144 (F(2×2, 3×3): 64), so on
// the same GEMM the 3×3 stride-1 layers of a ResNet do 4× fewer multiply-adds than im2col and
// 1.8× fewer than F(2×2, 3×3). The price is a weight 4× the size of the 3×3 kernel (36
// transformed values per channel pair instead of 9), which is why it is used only where the
// weight is made once and kept, and only where reading that weight on every call is repaid
// (`winogradF43PaysWithPreparedWeight`). The transforms are in winograd_f43.c; the 36 GEMMs per
// block of tiles are `cn_sgemm_packed_ab` calls (V is written in the GEMM's packed-B layout).
//
// Accuracy: the transform coefficients reach 8 and 1/24, so the error grows with the size of the
// terms summed: 1–2e-6 of Σ |x|·|w| at a pixel, where F(2×2, 3×3) stays within a few ulps of
// the direct sum (WinogradF43Tests holds it to 1e-5 of that sum). Training and the input
// gradient keep F(2×2, 3×3).

/// True when F(4×4, 3×3) computes `geometry` (as `winogradApplies`: 3×3, stride 1, undilated,
/// ungrouped, padding ≤ 2, ≥ 16 channels on both sides) and pays with a prepared weight: there
/// are enough 4×4 tiles per output channel that the 36 transformed matrices, read once per call,
/// cost less than the multiply-adds they save, and the layer is at most
/// `winogradF43MaximumChannelPairs` wide.
///
/// Per call, F(4×4, 3×3) reads 36·OC·C weight floats and does 36·OC·C multiply-adds per tile, so
/// the weight is the whole cost at few tiles: ResNet's 7×7 layers at batch 1 have 4 tiles (the
/// 512×512 weight is 37.7 MB transformed, read from memory on every call), while the implicit
/// GEMM reads 9·OC·C. From `winogradF43MinimumTiles` tiles on, F(4×4, 3×3) runs its GEMMs on
/// wide enough blocks and beats both the implicit GEMM and F(2×2, 3×3).
func winogradF43PaysWithPreparedWeight(_ geometry: Conv2DGeometry) -> Bool {
  guard winogradApplies(geometry),
    geometry.inputChannels * geometry.outputChannels <= winogradF43MaximumChannelPairs
  else { return false }
  let tiles =
    geometry.batch * ((geometry.outputHeight + 3) / 4) * ((geometry.outputWidth + 3) / 4)
  return tiles >= winogradF43MinimumTiles
}

/// See `winogradF43PaysWithPreparedWeight`.
private let winogradF43MinimumTiles = 16

/// The widest layers F(4×4, 3×3) takes: 256 × 256 channels, a 9.4 MB transformed weight. A
/// 512 × 512 layer's would be 37.7 MB — kept beside the parameters for as long as the model
/// runs, three of them in ResNet-18 or -50 add more memory than the whole of ResNet-18's
/// weights — so those layers keep F(2×2, 3×3) (16.8 MB).
private let winogradF43MaximumChannelPairs = 256 * 256

/// Columns (4×4 tiles) per block: V `[36, C, T]` and M `[36, OC, T]` of a block stay near the
/// core between the transforms and the GEMMs, and the GEMMs are wide enough that packing their
/// right-hand operand is cheap next to their multiply-adds.
private let winogradF43BlockColumns = 64

/// Floats of the F(4×4, 3×3) transformed, packed weights of a convolution.
func winogradF43TransformedWeightCount(outputChannels: Int, inputChannels: Int) -> Int {
  36 * packedGemmOperandCount(m: outputChannels, k: inputChannels)
}

/// Writes U = G g Gᵀ for every channel pair of `weight` `[OC, C, 3, 3]`: the 36 matrices U[ξ]
/// `[OC, C]`, each in the GEMM's packed-A layout, `winogradF43TransformedWeightCount` floats.
/// Split over threads by panels of output channels.
func transformWinogradF43Weights(
  _ weight: UnsafePointer<Float>, outputChannels: Int, inputChannels: Int,
  into packed: UnsafeMutablePointer<Float>
) {
  let panels = (outputChannels + GemmTuning.tileRows - 1) / GemmTuning.tileRows
  parallelChunks(panels, minimumChunk: max(1, 1024 / max(1, inputChannels))) { range in
    cn_winograd_f43_weights(
      weight, outputChannels, inputChannels, range.lowerBound, range.count, packed)
  }
}

/// Winograd F(4×4, 3×3) forward convolution with the weight transformed on this call. Same
/// contract as `conv2DForward` for geometries where `winogradApplies` holds; `relu` clamps the
/// result at 0. `PreparedConv2D` keeps the transformed weight instead; this form is for tests
/// and for plans that chose F(4×4, 3×3) but reach `conv2DForward`.
public func winogradF43Conv2DForward(
  input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
  output: UnsafeMutablePointer<Float>, geometry g: Conv2DGeometry, relu: Bool = false
) {
  precondition(winogradApplies(g), "winogradF43Conv2DForward: unsupported geometry \(g)")
  let (C, OC) = (g.inputChannels, g.outputChannels)
  ScratchPool.withBuffer(
    count: winogradF43TransformedWeightCount(outputChannels: OC, inputChannels: C)
  ) { u in
    transformWinogradF43Weights(weight, outputChannels: OC, inputChannels: C, into: u)
    winogradF43Convolve(
      input: input, transformedWeight: u, bias: bias, activation: relu ? .relu : .none,
      residual: nil, output: output, geometry: g)
  }
}

/// The F(4×4, 3×3) driver: input transform → 36 GEMMs `M[ξ][OC, T] = U[ξ][OC, C] · V[ξ][C, T]`
/// with the packed U → output transform with the bias, `residual` (the output's layout; nil for
/// none) and `activation`.
///
/// Two ways to share it between threads. With enough tiles, blocks of about
/// `winogradF43BlockColumns` tiles go to threads whole (`convolveInBlocks`: V and M of a block
/// stay in its core's cache). With fewer — a batch of one through ResNet's 28×28 and 14×14
/// layers has 49 and 16 tiles — blocks that small would leave each GEMM a few columns wide and
/// make every thread read all 36 matrices of U, so the three steps are shared out one after
/// the other instead (`convolveInSteps`): input channels, then the 36 GEMMs, then output
/// channels, each thread reading only its share of U.
func winogradF43Convolve(
  input: UnsafePointer<Float>, transformedWeight u: UnsafePointer<Float>,
  bias: UnsafePointer<Float>?, activation: FusedActivation, residual: UnsafePointer<Float>?,
  output: UnsafeMutablePointer<Float>, geometry g: Conv2DGeometry
) {
  let tiling = cn_winograd_f43_tiling(g.outputHeight, g.outputWidth)
  let tiles = g.batch * tiling.tiles_h * tiling.tiles_w
  let step = WinogradF43Step(
    input: input, u: u, bias: bias, activation: activation.rawValue, residual: residual,
    output: output, geometry: g, tiling: tiling)
  if Parallelism.threadCount > 1 && tiles < Parallelism.threadCount * winogradF43BlockColumns {
    step.convolveInSteps()
  } else {
    step.convolveInBlocks()
  }
}

/// One F(4×4, 3×3) convolution's operands, and its three steps over a range of pieces.
private struct WinogradF43Step {
  let input: UnsafePointer<Float>
  let u: UnsafePointer<Float>
  let bias: UnsafePointer<Float>?
  let activation: Int32
  let residual: UnsafePointer<Float>?
  let output: UnsafeMutablePointer<Float>
  let geometry: Conv2DGeometry
  let tiling: cn_winograd_tiling

  var pieceCount: Int { geometry.batch * tiling.tiles_h * tiling.pieces_per_row }

  /// V `[36, C, T]` of pieces `[first, first + pieces)` (`T` columns), input channels `channels`;
  /// `work`: `cn_winograd_f43_work_count(T)` floats.
  func transformInput(
    first: Int, pieces: Int, columns T: Int, channels: Range<Int>, v: UnsafeMutablePointer<Float>,
    work: UnsafeMutablePointer<Float>
  ) {
    let g = geometry
    withUnsafePointer(to: tiling) { tiling in
      cn_winograd_f43_input(
        input, g.inputChannels, channels.lowerBound, channels.count, g.inputHeight, g.inputWidth,
        g.paddingTop, g.paddingLeft, tiling, first, pieces, T, v, work)
    }
  }

  /// M[ξ] = U[ξ] · V[ξ] for `positions`, single-threaded.
  func multiply(columns T: Int, positions: Range<Int>, v: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>) {
    let (C, OC) = (geometry.inputChannels, geometry.outputChannels)
    let packedPlane = packedGemmOperandCount(m: OC, k: C)
    let vPlane = cn_sgemm_packed_b_count(C, T)
    for xi in positions {
      cn_sgemm_packed_ab(
        GemmTuning.simdLevel, OC, T, C, u + xi * packedPlane, v + xi * vPlane, m + xi * OC * T, T)
    }
  }

  /// Floats of V for a block of `T` columns: 36 matrices C × T in the packed-B layout.
  func vCount(columns T: Int) -> Int { 36 * cn_sgemm_packed_b_count(geometry.inputChannels, T) }

  /// The output pixels of the pieces from M, output channels `channels`; `work` as for
  /// `transformInput`.
  func transformOutput(
    first: Int, pieces: Int, columns T: Int, channels: Range<Int>, m: UnsafePointer<Float>,
    work: UnsafeMutablePointer<Float>
  ) {
    let g = geometry
    withUnsafePointer(to: tiling) { tiling in
      cn_winograd_f43_output(
        m, g.outputChannels, channels.lowerBound, channels.count, g.outputHeight, g.outputWidth,
        tiling, first, pieces, T, bias, activation, output, work, residual)
    }
  }

  func columns(first: Int, pieces: Int) -> Int {
    withUnsafePointer(to: tiling) { cn_winograd_f43_columns($0, first, pieces) }
  }

  /// Blocks of pieces, each block on one thread through all three steps in its own scratch.
  func convolveInBlocks() {
    let (C, OC) = (geometry.inputChannels, geometry.outputChannels)
    let pieceCount = self.pieceCount
    let blockCount = winogradBlockCount(
      pieceCount: pieceCount, maximum: winogradF43BlockColumns / tiling.piece_tiles)
    parallelFor(blockCount) { block in
      let blockPieces = share(pieceCount, block, blockCount)
      let (first, pieces) = (blockPieces.lowerBound, blockPieces.count)
      let T = columns(first: first, pieces: pieces)
      // One buffer per block (V, M and the transforms' workspace): the scratch pool keeps
      // every buffer it hands out at the largest size it was asked for, so fewer, not nested.
      let vFloats = vCount(columns: T)
      ScratchPool.withBuffer(count: vFloats + 36 * OC * T + cn_winograd_f43_work_count(T)) { scratch in
        let (v, m, work) = (scratch, scratch + vFloats, scratch + vFloats + 36 * OC * T)
        transformInput(first: first, pieces: pieces, columns: T, channels: 0..<C, v: v, work: work)
        multiply(columns: T, positions: 0..<36, v: v, m: m)
        transformOutput(first: first, pieces: pieces, columns: T, channels: 0..<OC, m: m, work: work)
      }
    }
  }

  /// All pieces as one block, each step shared between the threads (each with its own
  /// workspace in the one buffer).
  func convolveInSteps() {
    let (C, OC) = (geometry.inputChannels, geometry.outputChannels)
    let pieceCount = self.pieceCount
    let T = columns(first: 0, pieces: pieceCount)
    let threads = Parallelism.threadCount
    let workCount = cn_winograd_f43_work_count(T)
    let vFloats = vCount(columns: T)
    ScratchPool.withBuffer(count: vFloats + 36 * OC * T + threads * workCount) { scratch in
      let (v, m, work) = (scratch, scratch + vFloats, scratch + vFloats + 36 * OC * T)
      parallelFor(threads) { thread in
        transformInput(
          first: 0, pieces: pieceCount, columns: T, channels: share(C, thread, threads), v: v,
          work: work + thread * workCount)
      }
      parallelFor(threads) { thread in
        multiply(columns: T, positions: share(36, thread, threads), v: v, m: m)
      }
      parallelFor(threads) { thread in
        transformOutput(
          first: 0, pieces: pieceCount, columns: T, channels: share(OC, thread, threads), m: m,
          work: work + thread * workCount)
      }
    }
  }
}

/// How many blocks the `pieceCount` pieces of a Winograd tiling are cut into, each block whole
/// on one thread and at most `maximum` (≥ 1) pieces: the fewest that are a multiple of the
/// thread count, cut with `share` into sizes that differ by at most one piece. A remainder block
/// would leave one thread working alone at the end (ResNet's 7×7 layers at batch 16 ran as
/// blocks of 25, 25 and 14 pieces: one thread did 39 of 64; its 56×56 layers at batch 1 as 4, 4,
/// 4 and 2 tile rows: 8 of 14); at small batches this also gives every thread a block rather than
/// leave one idle.
func winogradBlockCount(pieceCount: Int, maximum: Int) -> Int {
  let threads = Parallelism.threadCount
  let fewestBlocks = (pieceCount + max(1, maximum) - 1) / max(1, maximum)
  return min(pieceCount, (fewestBlocks + threads - 1) / threads * threads)
}

/// Thread `thread`'s contiguous share of 0..<count when `threads` split it evenly.
func share(_ count: Int, _ thread: Int, _ threads: Int) -> Range<Int> {
  (count * thread / threads)..<(count * (thread + 1) / threads)
}
