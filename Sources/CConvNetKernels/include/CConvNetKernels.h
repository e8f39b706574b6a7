#ifndef CCONVNETKERNELS_H
#define CCONVNETKERNELS_H

/// SIMD levels of the C kernels: portable C, AVX2 + FMA, AVX-512 (F, VL, BW, DQ) + FMA.
#define CN_SIMD_PORTABLE 0
#define CN_SIMD_AVX2 1
#define CN_SIMD_AVX512 2

/// The SIMD level the C kernels use now: the best this CPU has (detected once, at the first
/// call), or the lower one the environment variable CONVNET_SIMD (portable, avx2, avx512) or
/// cn_simd_set_level asked for. A CONVNET_SIMD the CPU cannot run, or not one of those names,
/// falls back to the best level the CPU has with a one-line warning on stderr.
int cn_simd_level(void);

/// The best SIMD level this CPU runs (CN_SIMD_*).
int cn_simd_detected_level(void);

/// Makes every later kernel call run `level` (for all threads). Returns 0, or −1 (and changes
/// nothing) when the CPU lacks that level or it is not a CN_SIMD_* value.
int cn_simd_set_level(int level);

/// Register tile of the SGEMM micro-kernels: each call computes MR rows × NR columns of C.
/// 6×16 fills AVX2's 16 ymm registers: 12 accumulators + 2 B vectors + 1 A broadcast; the
/// portable kernel uses the same shape so that packing is shared. Callers that split C between
/// threads cut on multiples of these so that no slab gets extra edge tiles.
#define CN_SGEMM_MR 6
#define CN_SGEMM_NR 16

/// Activations a fused epilogue applies after the bias (and residual), `activation` arguments
/// below: none, max(x, 0), min(max(x, 0), 6), x · relu6(x + 3) / 6. NaN stays NaN. (The GEMM's
/// older `relu` flag is the same argument: 1 is ReLU.)
#define CN_ACTIVATION_NONE 0
#define CN_ACTIVATION_RELU 1
#define CN_ACTIVATION_RELU6 2
#define CN_ACTIVATION_HARDSWISH 3

/// values[i] = activation(values[i] + residual[i]) for i < count (residual NULL: no addition).
void cn_epilogue_apply(float *values, long count, const float *residual, int activation);

/// Single-precision GEMM on one thread: C = alpha · op(A) · op(B) + beta · C, row-major,
/// optionally followed by an epilogue: C += bias, then C = max(C, 0).
///
/// op(A) is m×k (A is k×m when trans_a ≠ 0), op(B) is k×n (B is n×k when trans_b ≠ 0),
/// C is m×n. When beta == 0, C is only written, never read (it may hold NaN).
/// `simd_level` picks the micro-kernel: 0 = portable C, 1 = AVX2 + FMA, 2 = AVX-512 (a level
/// above `cn_simd_level()` runs that level instead). Per-thread packing buffers are
/// allocated on first use and reused, so steady-state calls do not allocate. Thread-safe: callers
/// may run several calls at once on disjoint parts of C (that is how the Swift side threads it).
/// Epilogue: `bias` NULL for none; else bias_per_row ≠ 0 adds bias[i] to row i (m values),
/// bias_per_row = 0 adds bias[j] to column j (n values). relu: then a CN_ACTIVATION_* (1 = ReLU).
void cn_sgemm(
  int simd_level, int trans_a, int trans_b, long m, long n, long k, float alpha,
  const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc,
  const float *bias, int bias_per_row, int relu);

/// The im2col matrix of one image (or of one group of its channels), described instead of
/// stored: row r = (c·kernel_h + ki)·kernel_w + kj and column q = oh·out_width + ow hold
/// input[c][oh·stride_h − pad_top + ki·dilation_h][ow·stride_w − pad_left + kj·dilation_w],
/// or 0 where that position lies in the padding.
typedef struct {
  const float *input;  // [channels][height][width]
  long channels, height, width, out_height, out_width;
  long kernel_h, kernel_w, stride_h, stride_w, dilation_h, dilation_w, pad_top, pad_left;
  // Floats between consecutive images of a batch, read where pixels run over several images
  // (pixel q of the batch is pixel q mod P of image q div P): cn_sgemm_im2col's transposed
  // orientation (one GEMM sums the weight gradient over images) and the gather tiles.
  // Elsewhere a single image is described and this is ignored.
  long image_stride;
} cn_im2col;

/// Writes the im2col matrix of `source` to `columns` [channels·kernel_h·kernel_w][out_h·out_w]
/// (im2col.c). Overwrites all of it.
void cn_im2col_store(const cn_im2col *source, float *columns);

/// The adjoint of cn_im2col_store: zeroes `image` [channels][height][width] (the geometry of
/// `source`; its input pointer is not read), then adds every entry of `columns` into the pixel
/// it was read from (entries from the padding are dropped).
void cn_col2im_add(const float *columns, const cn_im2col *source, float *image);

/// Floats of the prepacked form of an m×k matrix A (cn_sgemm_pack_a_panels): ceil(m/6)·6·k.
long cn_sgemm_packed_a_count(long m, long k);

/// Packs op(A) (m×k; A is k×m when trans_a ≠ 0) into the panels the micro-kernel reads — 6 rows
/// each, over the whole depth, rows past m zero — for cn_sgemm_packed / cn_sgemm_im2col, so
/// that an A multiplied by many B (a convolution's weight) is packed once, not once per call.
/// Rows r0 ≥ 0 with r0 a multiple of 6 start at packed + r0·k.
void cn_sgemm_pack_a_panels(int trans_a, long m, long k, const float *a, long lda, float *packed);

/// Floats of the prepacked form of a k×n matrix B (cn_sgemm_pack_b_panels): ceil(n/16)·16·k.
long cn_sgemm_packed_b_count(long k, long n);

/// Packs B (k×n, not transposed) into the panels the micro-kernel reads — 16 columns each, over
/// the whole depth: element (p, j) at packed[(j/16)·16·k + p·16 + j%16], columns past n zero —
/// the layout a producer of B can also write directly (the Winograd input transforms), sparing
/// the GEMM its packing pass.
void cn_sgemm_pack_b_panels(long k, long n, const float *b, long ldb, float *packed);

/// C = A·B (m×n, rows ldc apart) with A prepacked by cn_sgemm_pack_a_panels and B in the
/// layout of cn_sgemm_pack_b_panels (columns past n in its last panel are read but their
/// products dropped); no epilogue.
void cn_sgemm_packed_ab(
  int simd_level, long m, long n, long k, const float *packed_a, const float *packed_b,
  float *c, long ldc);

/// `cn_sgemm` with A prepacked by cn_sgemm_pack_a_panels and B stored, not transposed. The
/// epilogue: C += bias, then C += residual (an m×n matrix, rows ldr apart; NULL for none), then
/// the activation (CN_ACTIVATION_*).
void cn_sgemm_packed(
  int simd_level, long m, long n, long k, float alpha, const float *packed_a,
  const float *b, long ldb, float beta, float *c, long ldc, const float *bias,
  int bias_per_row, int activation, const float *residual, long ldr);

/// `cn_sgemm` with an implicit im2col matrix as B: C = alpha · A · op(B) + beta · C, then the
/// epilogue (bias per row of C when bias_per_row ≠ 0, else per column; then the residual, an
/// m×n matrix ldr apart, NULL for none; then the activation, CN_ACTIVATION_*). A is m×k,
/// not transposed: stored (a, lda) when packed_a is NULL, else packed_a from
/// cn_sgemm_pack_a_panels (a and lda are then ignored). trans_b = 0: op(B) = columns first_column ..< first_column + n of the
/// im2col matrix (k = its row count; a convolution's forward pass, W · im2col(x)).
/// trans_b ≠ 0: op(B) = columns first_column ..< first_column + n of im2colᵀ (k = the pixel
/// count, or a multiple of it spanning consecutive images b->image_stride apart; the weight
/// gradient, dy · im2col(x)ᵀ). The GEMM packs its B panels straight from
/// the image, so the im2col matrix is never written out. Single-threaded, like `cn_sgemm`.
void cn_sgemm_im2col(
  int simd_level, int trans_b, long m, long n, long k, float alpha, const float *a, long lda,
  const float *packed_a, const cn_im2col *b, long first_column, float beta, float *c, long ldc, const float *bias,
  int bias_per_row, int activation, const float *residual, long ldr);

/// Direct convolution tiles that read the image in place (conv_gather.c), for unpadded
/// convolutions with few taps (LeNet's second layer), where packing im2col costs as much as the
/// arithmetic. Output channels are handled in blocks of 16 (the tile's vector lanes).
///
/// Packs weight [out_channels][taps] as [ceil(out_channels/16)][taps][16], zero-padded.
void cn_conv_gather_pack_weight(const float *weight, long out_channels, long taps, float *packed);

/// Forward pass for the flattened output positions q ∈ [first, first + count), q = image·P +
/// pixel, P = out_height·out_width: output[image·output_image_stride + o·P + pixel] =
/// bias[o] + Σ_taps weight · input. `g` describes image 0 (its input pointer; pads must be 0),
/// images are g->image_stride floats apart; bias may be NULL. `offsets` is
/// scratch for channels·kernel_h·kernel_w longs. Single-threaded.
void cn_conv_gather_forward(
  int simd_level, const cn_im2col *g, long out_channels, const float *packed_weight,
  const float *bias, float *output, long output_image_stride, long first, long count,
  long *offsets);

/// Lays out grad_output [images][out_channels][pixels] as
/// [ceil(out_channels/16)][images·pixels][16], zero-padded (the weight gradient's B operand).
void cn_conv_gather_transpose_gradient(
  const float *grad_output, long out_channels, long pixels, long images, float *transposed);

/// grad_weight [out_channels][taps] = Σ over the `images` images starting at g->input
/// (g->image_stride apart) of grad_output · im2colᵀ, from the transposed gradient of those
/// images; overwritten, or added to grad_weight when accumulate ≠ 0. Pads must be 0.
/// `offsets` is scratch for images·P + taps longs. Single-threaded.
void cn_conv_gather_weight_gradient(
  int simd_level, const cn_im2col *g, long images, long out_channels,
  const float *transposed_gradient, int accumulate, float *grad_weight, long *offsets);

/// Stride-1 convolution tiles of 6 output channels × 16 pixels of one output row that read
/// the image in place (conv_rows.c), for layers with few output channels (LeNet's first).

/// Forward pass of one image: output [out_channels][out_height][out_width] = bias[o] +
/// Σ_taps weight · input, with the weight [out_channels][taps] packed by
/// cn_sgemm_pack_a_panels (6 channels per panel). `g` describes the image as the kernels see it: already zero-padded
/// (its pads are ignored and must have been applied), stride 1 (its strides are ignored),
/// and with at least 16 readable floats after its last one (a row tile may read that far;
/// those lanes are dropped). bias may be NULL. `offsets` is scratch for channels·kernel_h·
/// kernel_w longs. Single-threaded.
void cn_conv_rows_forward(
  int simd_level, const cn_im2col *g, long out_channels, const float *packed_weight,
  const float *bias, float *output, long *offsets);

/// Winograd F(2×2, 3×3) weight transform (winograd_f23.c): the 16 matrices
/// U[ξ] [out_channels][in_channels], each written in the GEMM's packed-A layout
/// (cn_sgemm_pack_a_panels; cn_sgemm_packed_a_count(out_channels, in_channels) floats apart),
/// ready for cn_sgemm_packed. flip = 0 transforms weight [out_channels][in_channels][3][3];
/// flip ≠ 0 transforms the 180°-rotated weight[c][o] of a weight [in_channels][out_channels]
/// [3][3] (the adjoint convolution used for the input gradient). Writes the panels of 6 output
/// channels [first_panel, first_panel + panel_count) only, so that threads can share the work.
void cn_winograd_f23_weights(
  const float *weight, long out_channels, long in_channels, int flip, long first_panel,
  long panel_count, float *packed);

/// Largest number of 2×2 tiles in one piece of a tile row (see cn_winograd_tiling).
#define CN_WINOGRAD_MAX_PIECE_TILES 64

/// How the Winograd F(2×2, 3×3) kernels cut an output into work: tiles_h × tiles_w 2×2 tiles
/// per image, each tile row cut into pieces_per_row pieces of piece_tiles tiles (the last piece
/// of a row may have fewer). Pieces are numbered image by image, row by row, piece by piece.
typedef struct {
  long tiles_h, tiles_w, pieces_per_row, piece_tiles;
} cn_winograd_tiling;

/// The tiling of an out_height × out_width output.
cn_winograd_tiling cn_winograd_f23_tiling(long out_height, long out_width);

/// Columns of V and M for pieces [first_piece, first_piece + piece_count): one per tile.
long cn_winograd_f23_columns(const cn_winograd_tiling *t, long first_piece, long piece_count);

/// Floats of workspace the input and output transforms need for a block of `columns` columns.
long cn_winograd_f23_work_count(long columns);

/// Winograd F(2×2, 3×3) input transform of pieces [first_piece, first_piece + piece_count) of a
/// batch of NCHW images (tile (ty, tx) reads input rows 2ty − pad_top … +3 and columns
/// 2tx − pad_left … +3, zero outside the image) into v[16][channels][columns], `columns` being
/// cn_winograd_f23_columns of the pieces; only input channels [first_channel, first_channel +
/// channel_count), so that threads can share a block. `work`: cn_winograd_f23_work_count(columns)
/// floats.
void cn_winograd_f23_input(
  const float *input, long channels, long first_channel, long channel_count, long height,
  long width, long pad_top, long pad_left, const cn_winograd_tiling *t, long first_piece,
  long piece_count, long columns, float *v, float *work);

/// Winograd F(2×2, 3×3) output transform: m[16][channels][columns] of the same pieces back to
/// the 2×2 output tiles of NCHW `output` [N][channels][out_height][out_width] (tail rows and
/// columns clipped), plus bias (NULL for none), plus `residual` (NULL for none; same layout as
/// `output`, read at the pixels written), then the activation (CN_ACTIVATION_*; 1 = ReLU).
/// Only output channels [first_channel, first_channel + channel_count). Overwrites the pixels it
/// covers. `work`: cn_winograd_f23_work_count(columns) floats.
void cn_winograd_f23_output(
  const float *m, long channels, long first_channel, long channel_count, long out_height,
  long out_width, const cn_winograd_tiling *t, long first_piece, long piece_count,
  long columns, const float *bias, int relu, float *output, float *work,
  const float *residual);

/// Winograd F(4×4, 3×3) weight transform (winograd_f43.c), for prepared inference: the 36
/// matrices U[ξ] [out_channels][in_channels] of weight [out_channels][in_channels][3][3], each in
/// the GEMM's packed-A layout (cn_sgemm_packed_a_count(out_channels, in_channels) floats apart),
/// ready for cn_sgemm_packed. Writes the panels of 6 output channels [first_panel, first_panel +
/// panel_count) only, so that threads can share the work.
void cn_winograd_f43_weights(
  const float *weight, long out_channels, long in_channels, long first_panel, long panel_count,
  float *packed);

/// The F(4×4, 3×3) tiling of an out_height × out_width output: 4×4 tiles, cut into pieces as for
/// F(2×2, 3×3).
cn_winograd_tiling cn_winograd_f43_tiling(long out_height, long out_width);

/// Columns of V and M for pieces [first_piece, first_piece + piece_count): one per tile.
long cn_winograd_f43_columns(const cn_winograd_tiling *t, long first_piece, long piece_count);

/// Floats of workspace the F(4×4, 3×3) transforms need for a block of `columns` columns.
long cn_winograd_f43_work_count(long columns);

/// Winograd F(4×4, 3×3) input transform of pieces [first_piece, first_piece + piece_count) of a
/// batch of NCHW images (tile (ty, tx) reads input rows 4ty − pad_top … +5 and columns
/// 4tx − pad_left … +5, zero outside the image) into 36 matrices channels × columns, each in
/// the GEMM's packed-B layout (cn_sgemm_pack_b_panels, cn_sgemm_packed_b_count(channels, columns)
/// floats apart: the GEMMs read them in place), `columns` being
/// cn_winograd_f43_columns of the pieces; only input channels [first_channel, first_channel +
/// channel_count), so that threads can share a block. `work`: cn_winograd_f43_work_count(columns)
/// floats.
void cn_winograd_f43_input(
  const float *input, long channels, long first_channel, long channel_count, long height,
  long width, long pad_top, long pad_left, const cn_winograd_tiling *t, long first_piece,
  long piece_count, long columns, float *v, float *work);

/// Winograd F(4×4, 3×3) output transform: m[36][channels][columns] of the same pieces back to the
/// 4×4 output tiles of NCHW `output` [N][channels][out_height][out_width] (tail rows and columns
/// clipped), plus bias (NULL for none), plus `residual` (NULL for none; same layout as
/// `output`), then the activation (CN_ACTIVATION_*); only output channels [first_channel,
/// first_channel + channel_count). Overwrites the pixels it covers. `work`:
/// cn_winograd_f43_work_count(columns) floats.
void cn_winograd_f43_output(
  const float *m, long channels, long first_channel, long channel_count, long out_height,
  long out_width, const cn_winograd_tiling *t, long first_piece, long piece_count,
  long columns, const float *bias, int activation, float *output, float *work,
  const float *residual);

/// Direct depthwise convolution of one channel plane (depthwise_conv.c). `geometry` holds 12
/// values: height, width, out_height, out_width, kernel_h, kernel_w, stride_h, stride_w,
/// dilation_h, dilation_w, pad_top, pad_left. `scratch` needs cn_depthwise_scratch_count floats.
long cn_depthwise_scratch_count(const long *geometry);

/// y[OH][OW] = bias + Σ taps w[kH][kW] ⋆ x[H][W] (zero padding). Overwrites y.
void cn_depthwise_forward_plane(
  const long *geometry, const float *x, const float *w, float bias, float *y, float *scratch);

/// dx[H][W] = the adjoint of the forward applied to dy[OH][OW]. Overwrites dx.
void cn_depthwise_backward_input_plane(
  const long *geometry, const float *dy, const float *w, float *dx, float *scratch);

/// dw[kH][kW] += Σ over output pixels dy · the input pixel each tap read. Accumulates.
void cn_depthwise_backward_weight_plane(
  const long *geometry, const float *x, const float *dy, float *dw, float *scratch);
#include "cn_pooling.h"
#include "cn_recurrent.h"
#include "cn_depthwise3x3.h"
#include "cn_pointwise.h"

#endif
