import CConvNetKernels

// Winograd F(2×2, 3×3) convolution for 3×3, stride-1, undilated, ungrouped geometries: the
// 9 multiply-adds per output pixel and input channel become 4 (16 per 2×2 tile instead of 36),
// so at the same GEMM speed the layer runs ~2.25× faster than im2col + GEMM, and the input is
// expanded 4× instead of 9×. The transforms are in winograd_f23.c; the 16 GEMMs per block of
// tiles are ordinary `cn_sgemm` calls.
//
// Letter legend: N batch, C input channels, OC output channels, H×W input, OH×OW output,
// T tiles in a block (2×2 output pixels each), ξ one of the 16 transformed tile positions.
//
// Accuracy: the transforms only add, subtract and halve, but the products are summed in a
// different order and the tile values are sums of up to 4 pixels, so results differ from the
// direct sum by a few ulps of the largest partial sums (tests use 1e-4 relative to magnitude,
// as for im2col).

/// Columns (tiles) per block, at most. The 16
/// GEMMs of a block each pack their U[ξ] (OC×C) again, so wide blocks make that cheap next to
/// the OC·C·T multiply-adds; narrow blocks keep V and M (16·(C+OC)·T floats) near the core
/// between the transforms and the GEMMs. 128 tiles measured best of 64…512 on 64–256 channels
/// (Zen 3, 512 KiB L2).
private let winogradBlockColumns = 128

/// True when `geometry` is one the Winograd kernels compute: 3×3, stride 1, dilation 1,
/// groups 1, padding at most 2 on every side (so the input gradient is itself such a
/// convolution), and enough channels on both sides (≥ 16) that the GEMMs dominate the
/// transforms.
public func winogradApplies(_ geometry: Conv2DGeometry) -> Bool {
  let g = geometry
  return g.kernelHeight == 3 && g.kernelWidth == 3 && g.strideHeight == 1 && g.strideWidth == 1
    && g.dilationHeight == 1 && g.dilationWidth == 1 && g.groups == 1
    && max(g.paddingTop, g.paddingBottom, g.paddingLeft, g.paddingRight) <= 2
    && g.inputChannels >= 16 && g.outputChannels >= 16
}

/// True when Winograd also pays for `geometry`: the weight transform writes 16 floats per
/// channel pair on every call, which the 2.25× fewer multiply-adds repay only over enough
/// tiles. Below `winogradMinimumTiles` 2×2 output tiles in the batch (ResNet-18's 14×14 and
/// 7×7 layers at batch 1), im2col + GEMM is faster.
func winogradPays(_ geometry: Conv2DGeometry) -> Bool {
  let tiles =
    geometry.batch * ((geometry.outputHeight + 1) / 2) * ((geometry.outputWidth + 1) / 2)
  return tiles >= winogradMinimumTiles
}

/// See `winogradPays`. Measured on resnet18-infer at batch 1 (Zen 3, 2 threads): 32, 64 and
/// 256 within noise of each other, all far better than 0 (62 → ~40 ms).
private let winogradMinimumTiles = 64

/// `winogradPays` for a forward pass whose transformed weight is made once and kept
/// (`PreparedConv2D`): only the transforms of the input and output are left to repay, so
/// Winograd wins from fewer tiles — down to ResNet's 7×7 layers at batch 1 (16 tiles: 16 GEMMs
/// of 16 columns do 0.58× the multiply-adds of im2col's 49,
/// and with few tiles each thread reads only its share of the 16 transformed matrices). Taking
/// those layers also means that a network run at batch 1 and 16 keeps one prepared form of
/// their weight, not two (ResNet-18: 28 MB less).
func winogradPaysWithPreparedWeight(_ geometry: Conv2DGeometry) -> Bool {
  let tiles =
    geometry.batch * ((geometry.outputHeight + 1) / 2) * ((geometry.outputWidth + 1) / 2)
  return tiles >= preparedWinogradMinimumTiles
}

/// See `winogradPaysWithPreparedWeight`: the 16 tiles of a 7×7 output at batch 1.
private let preparedWinogradMinimumTiles = 16

/// Winograd F(2×2, 3×3) forward convolution. Same contract as `conv2DForward` (shapes
/// `[N, C, H, W]` ⋆ `[OC, C, 3, 3]` → `[N, OC, OH, OW]`, optional bias `[OC]`, overwrites
/// `output`) for geometries where `winogradApplies` holds; `relu` clamps the result at 0.
/// `conv2DForward` calls it where it is also faster (`winogradPays`).
public func winogradConv2DForward(
  input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
  output: UnsafeMutablePointer<Float>, geometry g: Conv2DGeometry, relu: Bool = false
) {
  precondition(winogradApplies(g), "winogradConv2DForward: unsupported geometry \(g)")
  let (C, OC) = (g.inputChannels, g.outputChannels)
  withTransformedWeights(weight, outputChannels: OC, inputChannels: C, flip: false) { u in
    winogradConvolve(
      input: input, transformedWeight: u, bias: bias, activation: relu ? .relu : .none,
      residual: nil, output: output, batch: g.batch,
      channels: C, height: g.inputHeight, width: g.inputWidth, outputChannels: OC,
      outputHeight: g.outputHeight, outputWidth: g.outputWidth, padTop: g.paddingTop,
      padLeft: g.paddingLeft)
  }
}

/// Winograd F(2×2, 3×3) input gradient. Same contract as `conv2DBackwardInput` for geometries
/// where `winogradApplies` holds. With stride 1 the input gradient is the convolution of
/// gradOutput `[N, OC, OH, OW]` with the 180°-rotated weight, input and output channels swapped,
/// and padding `2 − padding` on every side, whose output is exactly `[N, C, H, W]`.
public func winogradConv2DBackwardInput(
  gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
  gradInput: UnsafeMutablePointer<Float>, geometry g: Conv2DGeometry
) {
  precondition(winogradApplies(g), "winogradConv2DBackwardInput: unsupported geometry \(g)")
  let (C, OC) = (g.inputChannels, g.outputChannels)
  withTransformedWeights(weight, outputChannels: C, inputChannels: OC, flip: true) { u in
    winogradConvolve(
      input: gradOutput, transformedWeight: u, bias: nil, activation: .none, residual: nil,
      output: gradInput,
      batch: g.batch, channels: OC, height: g.outputHeight, width: g.outputWidth,
      outputChannels: C, outputHeight: g.inputHeight, outputWidth: g.inputWidth,
      padTop: 2 - g.paddingTop, padLeft: 2 - g.paddingLeft)
  }
}

/// Runs `body` with U = G g Gᵀ for every (output, input) channel pair, packed for the GEMMs:
/// the 16 matrices U[ξ] `[outputChannels, inputChannels]` one after another, each in the
/// micro-kernel's panel layout (`packGemmOperand`), so that every block of tiles multiplies
/// them without packing them again. Split over threads by panels of output channels: at
/// batch 1 with 512 channels this transform (16 floats written per 9 read) costs as much as
/// the convolution itself.
private func withTransformedWeights(
  _ weight: UnsafePointer<Float>, outputChannels: Int, inputChannels: Int, flip: Bool,
  _ body: (UnsafePointer<Float>) -> Void
) {
  let packedPlane = packedGemmOperandCount(m: outputChannels, k: inputChannels)
  ScratchPool.withBuffer(count: 16 * packedPlane) { packed in
    transformWinogradWeights(
      weight, outputChannels: outputChannels, inputChannels: inputChannels, flip: flip,
      into: packed)
    body(packed)
  }
}

/// Writes U = G g Gᵀ for every channel pair, packed as `withTransformedWeights` hands them to
/// its body: `winogradTransformedWeightCount` floats. Split over threads by panels of output
/// channels.
func transformWinogradWeights(
  _ weight: UnsafePointer<Float>, outputChannels: Int, inputChannels: Int, flip: Bool,
  into packed: UnsafeMutablePointer<Float>
) {
  let panels = (outputChannels + GemmTuning.tileRows - 1) / GemmTuning.tileRows
  parallelChunks(panels, minimumChunk: max(1, 1024 / max(1, inputChannels))) { range in
    cn_winograd_f23_weights(
      weight, outputChannels, inputChannels, flip ? 1 : 0, range.lowerBound, range.count,
      packed)
  }
}

/// Floats of the transformed, packed weights of a Winograd convolution.
func winogradTransformedWeightCount(outputChannels: Int, inputChannels: Int) -> Int {
  16 * packedGemmOperandCount(m: outputChannels, k: inputChannels)
}

/// The shared driver: the output's tile rows, cut into pieces (`cn_winograd_tiling`), in blocks
/// of about `winogradBlockColumns` columns, blocks spread over threads (or, with few tiles, one
/// block whose steps are shared out); per block input
/// transform → 16 GEMMs with the packed U (`withTransformedWeights`) → output transform, all in the block's own scratch (V `[16, C, T]`,
/// M `[16, OC, T]` and the transforms' workspace) so nothing is allocated per call. The output
/// transform adds the bias and `residual` (same layout as `output`; nil for none), then applies
/// `activation`, while each tile row is in cache.
func winogradConvolve(
  input: UnsafePointer<Float>, transformedWeight u: UnsafePointer<Float>,
  bias: UnsafePointer<Float>?, activation: FusedActivation, residual: UnsafePointer<Float>?,
  output: UnsafeMutablePointer<Float>, batch N: Int,
  channels C: Int, height H: Int, width W: Int, outputChannels OC: Int, outputHeight OH: Int,
  outputWidth OW: Int, padTop: Int, padLeft: Int
) {
  let tiling = cn_winograd_f23_tiling(OH, OW)
  let pieceCount = N * tiling.tiles_h * tiling.pieces_per_row
  let simdLevel = GemmTuning.simdLevel
  let packedPlane = packedGemmOperandCount(m: OC, k: C)
  let workCount = cn_winograd_f23_work_count
  func transformInput(
    _ first: Int, _ pieces: Int, _ T: Int, _ channels: Range<Int>, _ v: UnsafeMutablePointer<Float>,
    _ work: UnsafeMutablePointer<Float>
  ) {
    withUnsafePointer(to: tiling) { tiling in
      cn_winograd_f23_input(
        input, C, channels.lowerBound, channels.count, H, W, padTop, padLeft, tiling, first,
        pieces, T, v, work)
    }
  }
  func multiply(_ T: Int, _ positions: Range<Int>, _ v: UnsafePointer<Float>, _ m: UnsafeMutablePointer<Float>) {
    for xi in positions {  // M[ξ][OC, T] = U[ξ][OC, C] · V[ξ][C, T], single-threaded
      cn_sgemm_packed(
        simdLevel, OC, T, C, 1, u + xi * packedPlane, v + xi * C * T, T, 0, m + xi * OC * T, T,
        nil, 0, 0, nil, 0)
    }
  }
  func transformOutput(
    _ first: Int, _ pieces: Int, _ T: Int, _ channels: Range<Int>, _ m: UnsafePointer<Float>,
    _ work: UnsafeMutablePointer<Float>
  ) {
    withUnsafePointer(to: tiling) { tiling in
      cn_winograd_f23_output(
        m, OC, channels.lowerBound, channels.count, OH, OW, tiling, first, pieces, T, bias,
        activation.rawValue, output, work, residual)
    }
  }
  let allColumns = withUnsafePointer(to: tiling) { cn_winograd_f23_columns($0, 0, pieceCount) }
  let threads = Parallelism.threadCount
  if threads > 1 && allColumns < threads * winogradBlockColumns / 2 {
    // Few tiles (ResNet's 14×14 and 7×7 layers at batch 1): blocks of them would leave each
    // GEMM a few columns wide and make every thread read all 16 matrices of U, so the whole
    // output is one block and each step is shared out in turn — input channels, the 16 GEMMs,
    // output channels — each thread reading only its share of U. One scratch buffer, with a
    // workspace per thread (the pool keeps every buffer at its largest size: fewer, not nested).
    let T = allColumns
    ScratchPool.withBuffer(count: 16 * (C + OC) * T + threads * workCount(T)) { scratch in
      let (v, m, work) = (scratch, scratch + 16 * C * T, scratch + 16 * (C + OC) * T)
      parallelFor(threads) { thread in
        transformInput(0, pieceCount, T, share(C, thread, threads), v, work + thread * workCount(T))
      }
      parallelFor(threads) { thread in multiply(T, share(16, thread, threads), v, m) }
      parallelFor(threads) { thread in
        transformOutput(0, pieceCount, T, share(OC, thread, threads), m, work + thread * workCount(T))
      }
    }
    return
  }
  let blockCount = winogradBlockCount(
    pieceCount: pieceCount, maximum: winogradBlockColumns / tiling.piece_tiles)
  parallelFor(blockCount) { block in
    let blockPieces = share(pieceCount, block, blockCount)
    let (first, pieces) = (blockPieces.lowerBound, blockPieces.count)
    let T = withUnsafePointer(to: tiling) { cn_winograd_f23_columns($0, first, pieces) }
    ScratchPool.withBuffer(count: 16 * (C + OC) * T + workCount(T)) { scratch in
      let (v, m, work) = (scratch, scratch + 16 * C * T, scratch + 16 * (C + OC) * T)
      transformInput(first, pieces, T, 0..<C, v, work)
      multiply(T, 0..<16, v, m)
      transformOutput(first, pieces, T, 0..<OC, m, work)
    }
  }
}
