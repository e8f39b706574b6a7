import CConvNetKernels

/// `gemm` whose right-hand operand is the im2col matrix of one image (or of one group of its
/// channels), or its transpose, without that matrix ever being stored: the GEMM packs its B
/// panels straight from the image (`cn_sgemm_im2col`).
///
/// `C[m, n] = alpha · A[m, k] · op(B)[k, n] + beta · C (+ bias per row) `, A row-major with row
/// stride `lda`, where
/// - `transposeB == false`: op(B) = `im2col(image)` `[channels·kH·kW, OH·OW]` — a convolution's
///   forward pass `W · im2col(x)`; k = channels·kH·kW, n ≤ OH·OW;
/// - `transposeB == true`: op(B) = `im2col(image)ᵀ` `[OH·OW, channels·kH·kW]` — the weight
///   gradient `dy · im2col(x)ᵀ`; k = OH·OW, n ≤ channels·kH·kW. With `images` > 1, op(B) is
///   the im2colᵀ of `images` consecutive images (`imageStride` floats apart) stacked, k =
///   images·OH·OW, so that one GEMM sums the weight gradient over them.
///
/// `firstColumn` selects columns `firstColumn ..< firstColumn + n` of op(B) (C's columns follow
/// them). `packedA`, when given, is A already packed by `packGemmOperand` (then `a` is not
/// read): a convolution packs its weight once per call instead of once per image. With `parallel`, C is split over the cores (by rows or columns, as `gemm` does) when
/// the work is large enough;
/// leave it off when the caller already runs one call per core. `image` is `[channels, H, W]`;
/// sizes, stride, padding and dilation come from `geometry`. The result equals `gemm` on the
/// stored `im2col` matrix. The epilogue after the bias: `residual` (an m×n matrix with C's row
/// stride `ldc`, added; nil for none), then `activation`.
public func gemmIm2col(
  transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
  image: UnsafePointer<Float>, channels: Int, geometry: Conv2DGeometry, images: Int = 1,
  imageStride: Int = 0, firstColumn: Int = 0,
  beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, bias: UnsafePointer<Float>? = nil,
  packedA: UnsafePointer<Float>? = nil, parallel: Bool = false,
  residual: UnsafePointer<Float>? = nil, activation: FusedActivation = .none
) {
  let taps = channels * geometry.kernelHeight * geometry.kernelWidth
  let pixels = geometry.outputHeight * geometry.outputWidth
  precondition(
    (images == 1 || (transposeB && images > 1 && imageStride > 0))
      && k == (transposeB ? images * pixels : taps) && firstColumn >= 0
      && firstColumn + n <= (transposeB ? taps : pixels) && lda >= k && ldc >= n,
    "gemmIm2col: sizes m \(m) n \(n) k \(k) (first column \(firstColumn)) do not fit the im2col matrix [\(taps), \(pixels)] of \(images) image(s)"
  )
  if m == 0 || n == 0 { return }
  var source = im2colSource(
    image: image, channels: channels, geometry: geometry, imageStride: imageStride)

  // One single-threaded C call on the block rows × columns of C.
  func run(rows: Range<Int>, columns: Range<Int>) {
    cn_sgemm_im2col(
      GemmTuning.simdLevel, transposeB ? 1 : 0, rows.count, columns.count, k, alpha,
      a + rows.lowerBound * lda, lda, packedA.map { $0 + rows.lowerBound * k }, &source,
      firstColumn + columns.lowerBound, beta,
      c + rows.lowerBound * ldc + columns.lowerBound, ldc, bias.map { $0 + rows.lowerBound }, 1,
      activation.rawValue, residual.map { $0 + rows.lowerBound * ldc + columns.lowerBound }, ldc)
  }
  forEachSlab(
    m: m, n: n, threads: parallel ? GemmTuning.threadCount(m: m, n: n, k: k) : 1, run)
}
