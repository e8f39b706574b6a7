// Single-threaded blocked SGEMM driver (GotoBLAS / BLIS loop structure):
//
//   for jc in N by NC:            B block   (KC×NC packed, lives in L3/L2)
//     for pc in K by KC:
//       pack op(B)[pc, jc]
//       for ic in M by MC:        A block   (MC×KC packed, lives in L2)
//         pack op(A)[ic, pc]
//         for jr in NC by NR:     B panel   (KC×NR, stays in L1 across the ir loop)
//           for ir in MC by MR:   micro-kernel on an MR×NR tile of C
//
// beta is applied on the first K block only; later K blocks accumulate (beta = 1). The optional
// epilogue (bias, ReLU) is applied to each tile right after the last K block writes it, while
// the tile is still in L1.
// B is a stored matrix or, for convolutions, an im2col matrix packed straight from the image
// (cn_sgemm_im2col). Two shortcuts for stored matrices: m == 1 is a vector–matrix product (sgemm_row.c), and m ≤ MR with B not
// transposed reads B in place (sgemm_direct below). Threads are layered on top by the caller,
// each calling cn_sgemm on its own part of C.
#include "CConvNetKernels.h"
#include "epilogue.h"
#include "sgemm_buffers.h"
#include "sgemm_internal.h"

enum { MR = CN_SGEMM_MR, NR = CN_SGEMM_NR };

// Cache-block sizes (in elements). A KC×NR panel of B (24 KiB) stays in L1 while an MC×KC
// block of A (216 KiB) stays in L2 (Zen 3: 32 KiB L1d, 512 KiB L2). KC = 384 rather than 256:
// each C tile is loaded and stored once per K block, and the longer runs measured 3–5 % faster
// on one core (1024³ 92 → 95 GFLOP/s, M=64 K=576 N=65,536 70 → 73). NC = 1024 keeps the packed
// B block and the C block it updates near the core; it measured better than 4096 when m is
// small and n huge (im2col convolutions), and the same on square sizes.
enum { KC = CN_SGEMM_KC_MAX, MC = 144, NC = 1024 };

static cn_sgemm_microkernel select_kernel(int simd_level) {
  // Never above the active level (which never exceeds what the CPU runs).
  const int level = simd_level < cn_simd_level() ? simd_level : cn_simd_level();
#if defined(CN_SGEMM_HAVE_AVX512)
  if (level >= CN_SIMD_AVX512) return cn_sgemm_kernel_avx512;
#endif
#if defined(CN_SGEMM_HAVE_AVX2)
  if (level >= CN_SIMD_AVX2) return cn_sgemm_kernel_avx2;
#endif
  (void)level;
  return cn_sgemm_kernel_portable;
}

// Whether the AVX-512 kernels run at this requested level (see select_kernel).
static int uses_avx512(int simd_level) {
#if defined(CN_SGEMM_HAVE_AVX512)
  return select_kernel(simd_level) == cn_sgemm_kernel_avx512;
#else
  (void)simd_level;
  return 0;
#endif
}

static long min_long(long x, long y) { return x < y ? x : y; }
static long ceil_div(long x, long y) { return (x + y - 1) / y; }

// Splits `total` into equal blocks of at most `limit`, rounded up to a multiple of `unit`,
// so that e.g. K = 576 becomes 2 × 288 rather than 384 + 192.
static long balanced_block(long total, long limit, long unit) {
  long blocks = ceil_div(total, limit);
  return ceil_div(ceil_div(total, blocks), unit) * unit;
}

// C = beta · C for an m×n block (used when the product term vanishes).
static void scale_c(long m, long n, float beta, float *c, long ldc) {
  for (long i = 0; i < m; ++i) {
    float *row = c + i * ldc;
    if (beta == 0.0f) {
      for (long j = 0; j < n; ++j) row[j] = 0.0f;
    } else if (beta != 1.0f) {
      for (long j = 0; j < n; ++j) row[j] *= beta;
    }
  }
}

// What happens to C after the product: add a bias (one value per row or per column of C),
// add a residual matrix (a ResNet block's shortcut), then an activation.
typedef struct {
  const float *bias;  // NULL for none
  int bias_per_row;   // 1: bias[i] is added to row i (m values); 0: bias[j] to column j (n)
  int activation;     // CN_ACTIVATION_*: 1 = ReLU, c = c < 0 ? 0 : c (NaN stays NaN)
  const float *residual;  // m×n, rows ldr apart, same origin as C; NULL for none
  long ldr;
  int avx512;  // full tiles with a per-row bias (or none) take the AVX-512 loop
} epilogue_t;

static int epilogue_is_active(const epilogue_t *epilogue) {
  return epilogue->bias != NULL || epilogue->activation != CN_ACTIVATION_NONE
    || epilogue->residual != NULL;
}

// Applies the epilogue to the rows × columns block of C at c, whose top-left element is
// C(row0, column0) (the indices pick the bias values).
static void apply_epilogue(
  const epilogue_t *epilogue, long row0, long column0, long rows, long columns,
  float *c, long ldc)
{
#if defined(CN_SGEMM_HAVE_AVX512)
  if (epilogue->avx512 && rows == MR && columns == NR
      && (epilogue->bias == NULL || epilogue->bias_per_row)) {
    // The common case (every full tile of a convolution), without the scalar loop's per-row
    // overhead, which on 1×1 layers (k = 64…256) cost ~8 % of the micro-kernel's time.
    cn_sgemm_epilogue_tile_avx512(
      c, ldc, epilogue->bias != NULL ? epilogue->bias + row0 : NULL,
      epilogue->residual != NULL ? epilogue->residual + row0 * epilogue->ldr + column0 : NULL,
      epilogue->ldr, epilogue->activation);
    return;
  }
#endif
  for (long i = 0; i < rows; ++i) {
    float *c_row = c + i * ldc;
    if (epilogue->bias != NULL && epilogue->bias_per_row) {
      const float value = epilogue->bias[row0 + i];
      for (long j = 0; j < columns; ++j) c_row[j] += value;
    } else if (epilogue->bias != NULL) {
      const float *bias = epilogue->bias + column0;
      for (long j = 0; j < columns; ++j) c_row[j] += bias[j];
    }
    if (epilogue->residual != NULL) {
      cn_add_row(c_row, epilogue->residual + (row0 + i) * epilogue->ldr + column0, columns);
    }
    cn_activate_row(c_row, columns, epilogue->activation);
  }
}

// Copies the rows × columns of a partial tile computed into scratch (rows NR apart) into C,
// with beta.
static void store_partial(
  long rows, long columns, const float *scratch, float beta, float *c, long ldc)
{
  for (long i = 0; i < rows; ++i) {
    float *c_row = c + i * ldc;
    const float *s_row = scratch + i * NR;
    if (beta == 0.0f) {
      for (long j = 0; j < columns; ++j) c_row[j] = s_row[j];
    } else {
      for (long j = 0; j < columns; ++j) c_row[j] = s_row[j] + beta * c_row[j];
    }
  }
}

// Runs the micro-kernel on a tile that may be cut short by the edge of C (rows × columns, at
// most MR × NR): full tiles go straight to C, partial ones through a scratch tile.
static void tile(
  cn_sgemm_microkernel kernel, long rows, long columns, long k,
  const float *a, const float *b, long b_k_stride, float alpha, float beta, float *c, long ldc)
{
  if (rows == MR && columns == NR) {
    kernel(k, a, b, b_k_stride, alpha, beta, c, ldc);
    return;
  }
  _Alignas(64) float scratch[MR * NR];
  kernel(k, a, b, b_k_stride, alpha, 0.0f, scratch, NR);
  store_partial(rows, columns, scratch, beta, c, ldc);
}

#if defined(CN_SGEMM_HAVE_AVX512)
// Whether a last strip `columns` wide takes narrow_strip rather than one tile per row panel.
static int takes_narrow_strip(cn_sgemm_microkernel kernel, long columns) {
  return columns <= CN_SGEMM_NARROW_COLUMNS && kernel == cn_sgemm_kernel_avx512;
}

// A strip of C `rows` tall and only `columns` ≤ CN_SGEMM_NARROW_COLUMNS wide (at c), over the
// row panels of A at a_panels (panel_stride floats apart): several panels at a time through
// the narrow AVX-512 kernel (see sgemm_avx512.c), then each tile's beta and epilogue (NULL
// for none; row0, column0 place the strip in C for the bias).
static void narrow_strip(
  long rows, long columns, long k, const float *a_panels, long panel_stride, const float *b,
  long b_k_stride, float alpha, float beta, float *c, long ldc, const epilogue_t *epilogue,
  long row0, long column0)
{
  const long group = cn_sgemm_narrow_group(columns);
  _Alignas(64) float scratch[CN_SGEMM_NARROW_PANELS * MR * NR];
  for (long i0 = 0; i0 < rows; i0 += group * MR) {
    const long panels = min_long(group, ceil_div(rows - i0, MR));
    cn_sgemm_kernel_narrow_avx512(
      panels, columns, k, a_panels + i0 / MR * panel_stride, panel_stride, b, b_k_stride,
      alpha, scratch);
    for (long q = 0; q < panels; ++q) {
      const long tile_rows = min_long(MR, rows - i0 - q * MR);
      float *c_tile = c + (i0 + q * MR) * ldc;
      store_partial(tile_rows, columns, scratch + q * MR * NR, beta, c_tile, ldc);
      if (epilogue != NULL) {
        apply_epilogue(epilogue, row0 + i0 + q * MR, column0, tile_rows, columns, c_tile, ldc);
      }
    }
  }
}
#endif

// At most MR rows of C (one row of register tiles) and B not transposed: every element of B is
// used by a single tile, so packing B could never pay for itself. Pack only A (≤ MR×KC, cheap)
// and let the micro-kernel read B's rows in place. Only the last, partial column strip of B is
// copied (zero-padded) so that the kernel never reads past B's end. (With more rows the
// unpacked B strip is re-read from L1 and, when ldb is a multiple of 1 KiB, its rows collide in
// the same cache sets: measured 2× slower than packing, hence the m ≤ MR limit.)
static void sgemm_direct(
  cn_sgemm_microkernel kernel, int trans_a, long m, long n, long k, float alpha,
  const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc,
  const epilogue_t *epilogue)
{
  const int finish = epilogue_is_active(epilogue);
  float *packed_a = cn_sgemm_buffer_a((size_t)ceil_div(m, MR) * MR * k);
  cn_sgemm_pack_a(trans_a, m, k, a, lda, packed_a);
  const long full_columns = n / NR * NR;
  for (long j0 = 0; j0 < full_columns; j0 += NR) {
    for (long i0 = 0; i0 < m; i0 += MR) {
      const long rows = min_long(MR, m - i0);
      float *c_tile = c + i0 * ldc + j0;
      tile(kernel, rows, NR, k, packed_a + i0 * k, b + j0, ldb, alpha, beta, c_tile, ldc);
      if (finish) apply_epilogue(epilogue, i0, j0, rows, NR, c_tile, ldc);
    }
  }
  if (full_columns < n) {
    float *strip = cn_sgemm_buffer_b((size_t)k * NR);
    cn_sgemm_pack_b(0, k, n - full_columns, b + full_columns, ldb, strip);
#if defined(CN_SGEMM_HAVE_AVX512)
    if (takes_narrow_strip(kernel, n - full_columns)) {
      narrow_strip(m, n - full_columns, k, packed_a, MR * k, strip, NR, alpha, beta,
        c + full_columns, ldc, finish ? epilogue : NULL, 0, full_columns);
      return;
    }
#endif
    for (long i0 = 0; i0 < m; i0 += MR) {
      const long rows = min_long(MR, m - i0);
      float *c_tile = c + i0 * ldc + full_columns;
      tile(kernel, rows, n - full_columns, k, packed_a + i0 * k, strip, NR, alpha, beta,
        c_tile, ldc);
      if (finish) apply_epilogue(epilogue, i0, full_columns, rows, n - full_columns, c_tile, ldc);
    }
  }
}

// Where the blocked driver gets op(B) from: a stored matrix, or an im2col matrix that is
// packed straight from its image (see sgemm_pack_im2col.c).
typedef struct {
  int trans;
  const float *b;  // stored matrix (NULL when im2col is used)
  long ldb;
  const cn_im2col *im2col;
  long first_column;  // of the im2col matrix (or its transpose)
  const float *prepacked;  // [ceil(n/NR)][k][NR] (cn_sgemm_pack_b_panels), or NULL
} b_operand_t;

// Packs rows pc ..< pc + kc and columns jc ..< jc + nc of op(B).
static void pack_b_block(const b_operand_t *b, long pc, long kc, long jc, long nc, float *packed) {
  if (b->im2col != NULL) {
    cn_sgemm_pack_b_im2col(b->im2col, b->trans, pc, kc, b->first_column + jc, nc, packed);
  } else {
    const float *block = b->trans ? b->b + jc * b->ldb + pc : b->b + pc * b->ldb + jc;
    cn_sgemm_pack_b(b->trans, kc, nc, block, b->ldb, packed);
  }
}

// Where the blocked driver gets op(A) from: a stored matrix it packs block by block, or
// panels packed beforehand over the whole depth (cn_sgemm_pack_a_panels), which a caller that
// multiplies the same A by many B (a convolution's weight, image after image) packs once.
typedef struct {
  int trans;
  const float *a;  // stored matrix (NULL when prepacked is used)
  long lda;
  const float *prepacked;  // [ceil(m/MR)][k][MR]
} a_operand_t;

static void sgemm_blocked(
  cn_sgemm_microkernel kernel, long m, long n, long k, float alpha, const a_operand_t *a_operand,
  const b_operand_t *b, float beta, float *c, long ldc, const epilogue_t *epilogue)
{
  // One strip of columns (Winograd's 16 tiles at batch 1) and a stored or prepacked B: the
  // whole depth of B is one 16-column panel (64 KiB at k = 1,024, read once per 6 FMAs), so the
  // depth is not blocked, and each A panel — a prepared weight streaming from memory — is read
  // as one contiguous run rather than in pieces that leave the prefetch running past their end.
  const long kc_block =
    n <= NR && b->im2col == NULL && k <= 1024 ? k : balanced_block(k, KC, 1);
  const long mc_block = balanced_block(m, MC, MR);
  const long nc_block = balanced_block(n, NC, NR);
  const int trans_a = a_operand->trans;
  const float *a = a_operand->a;
  const long lda = a_operand->lda;
  float *packed_a =
    a_operand->prepacked != NULL ? NULL : cn_sgemm_buffer_a((size_t)mc_block * kc_block);
  float *packed_b =
    b->prepacked != NULL ? NULL : cn_sgemm_buffer_b((size_t)nc_block * kc_block);

  for (long jc = 0; jc < n; jc += nc_block) {
    const long nc = min_long(nc_block, n - jc);
    for (long pc = 0; pc < k; pc += kc_block) {
      const long kc = min_long(kc_block, k - pc);
      const float block_beta = pc == 0 ? beta : 1.0f;
      const int finish = pc + kc == k && epilogue_is_active(epilogue);
      if (b->prepacked == NULL) pack_b_block(b, pc, kc, jc, nc, packed_b);
      for (long ic = 0; ic < m; ic += mc_block) {
        const long mc = min_long(mc_block, m - ic);
        // The A panels of this block, the micro-kernel's MR rows × kc steps each.
        const float *a_panels;
        long panel_stride;
        if (a_operand->prepacked != NULL) {
          a_panels = a_operand->prepacked + ic * k + pc * MR;
          panel_stride = MR * k;
        } else {
          const float *a_block = trans_a ? a + pc * lda + ic : a + ic * lda + pc;
          cn_sgemm_pack_a(trans_a, mc, kc, a_block, lda, packed_a);
          a_panels = packed_a;
          panel_stride = MR * kc;
        }
        for (long jr = 0; jr < nc; jr += NR) {
          const long columns = min_long(NR, nc - jr);
          // This strip's kc × NR panel of B: packed above, or the caller's (whose panels run
          // over the whole depth, so depth block pc starts pc rows in).
          const float *b_panel = b->prepacked != NULL
            ? b->prepacked + (jc + jr) / NR * k * NR + pc * NR
            : packed_b + jr * kc;
#if defined(CN_SGEMM_HAVE_AVX512)
          if (takes_narrow_strip(kernel, columns)) {
            narrow_strip(mc, columns, kc, a_panels, panel_stride, b_panel, NR, alpha,
              block_beta, c + ic * ldc + jc + jr, ldc, finish ? epilogue : NULL, ic, jc + jr);
            continue;
          }
#endif
          for (long ir = 0; ir < mc; ir += MR) {
            const long rows = min_long(MR, mc - ir);
            float *c_tile = c + (ic + ir) * ldc + jc + jr;
            if (finish && epilogue->residual != NULL) {
              // The epilogue reads this tile of the residual (a ResNet block's input, often
              // out of cache) right after the kernel: start loading it now, under the kernel.
              const float *r = epilogue->residual + (ic + ir) * epilogue->ldr + jc + jr;
              for (long i = 0; i < rows; ++i) __builtin_prefetch(r + i * epilogue->ldr, 0, 3);
            }
            tile(kernel, rows, columns, kc, a_panels + ir / MR * panel_stride, b_panel, NR,
              alpha, block_beta, c_tile, ldc);
            if (finish) apply_epilogue(epilogue, ic + ir, jc + jr, rows, columns, c_tile, ldc);
          }
        }
      }
    }
  }
}

// The degenerate cases shared by both entry points: nothing to do (returns 1 when done), or
// no product term (C = beta·C, then the epilogue).
static int sgemm_trivial(
  long m, long n, long k, float alpha, float beta, float *c, long ldc, const epilogue_t *epilogue)
{
  if (m <= 0 || n <= 0) return 1;
  if (k > 0 && alpha != 0.0f) return 0;
  scale_c(m, n, beta, c, ldc);
  apply_epilogue(epilogue, 0, 0, m, n, c, ldc);
  return 1;
}

void cn_sgemm(
  int simd_level, int trans_a, int trans_b, long m, long n, long k, float alpha,
  const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc,
  const float *bias, int bias_per_row, int relu)
{
  const epilogue_t epilogue = {bias, bias_per_row, relu, NULL, 0, uses_avx512(simd_level)};
  if (sgemm_trivial(m, n, k, alpha, beta, c, ldc, &epilogue)) return;
  const cn_sgemm_microkernel kernel = select_kernel(simd_level);
  if (m == 1) {
    cn_sgemm_row(trans_a, trans_b, n, k, alpha, a, lda, b, ldb, beta, c);
    if (epilogue_is_active(&epilogue)) apply_epilogue(&epilogue, 0, 0, 1, n, c, ldc);
  } else if (!trans_b && m <= MR && k <= KC) {
    sgemm_direct(kernel, trans_a, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, &epilogue);
  } else {
    const a_operand_t a_operand = {trans_a, a, lda, NULL};
    const b_operand_t b_operand = {trans_b, b, ldb, NULL, 0, NULL};
    sgemm_blocked(kernel, m, n, k, alpha, &a_operand, &b_operand, beta, c, ldc, &epilogue);
  }
}

long cn_sgemm_packed_a_count(long m, long k) { return ceil_div(m, MR) * MR * k; }

void cn_sgemm_pack_a_panels(int trans_a, long m, long k, const float *a, long lda, float *packed) {
  cn_sgemm_pack_a(trans_a, m, k, a, lda, packed);
}

void cn_sgemm_packed(
  int simd_level, long m, long n, long k, float alpha, const float *packed_a,
  const float *b, long ldb, float beta, float *c, long ldc, const float *bias,
  int bias_per_row, int activation, const float *residual, long ldr)
{
  const epilogue_t epilogue = {
    bias, bias_per_row, activation, residual, ldr, uses_avx512(simd_level)};
  if (sgemm_trivial(m, n, k, alpha, beta, c, ldc, &epilogue)) return;
  const a_operand_t a_operand = {0, NULL, 0, packed_a};
  const b_operand_t b_operand = {0, b, ldb, NULL, 0, NULL};
  sgemm_blocked(
    select_kernel(simd_level), m, n, k, alpha, &a_operand, &b_operand, beta, c, ldc, &epilogue);
}

void cn_sgemm_im2col(
  int simd_level, int trans_b, long m, long n, long k, float alpha, const float *a, long lda,
  const float *packed_a, const cn_im2col *b, long first_column, float beta, float *c, long ldc, const float *bias,
  int bias_per_row, int activation, const float *residual, long ldr)
{
  const epilogue_t epilogue = {
    bias, bias_per_row, activation, residual, ldr, uses_avx512(simd_level)};
  if (sgemm_trivial(m, n, k, alpha, beta, c, ldc, &epilogue)) return;
  // A is either stored (packed_a NULL) or prepacked.
  const a_operand_t a_operand = {0, packed_a == NULL ? a : NULL, lda, packed_a};
  const b_operand_t b_operand = {trans_b, NULL, 0, b, first_column, NULL};
  sgemm_blocked(
    select_kernel(simd_level), m, n, k, alpha, &a_operand, &b_operand, beta, c, ldc, &epilogue);
}

long cn_sgemm_packed_b_count(long k, long n) { return ceil_div(n, NR) * NR * k; }

void cn_sgemm_pack_b_panels(long k, long n, const float *b, long ldb, float *packed) {
  cn_sgemm_pack_b(0, k, n, b, ldb, packed);
}

void cn_sgemm_packed_ab(
  int simd_level, long m, long n, long k, const float *packed_a, const float *packed_b,
  float *c, long ldc)
{
  const epilogue_t epilogue = {NULL, 0, CN_ACTIVATION_NONE, NULL, 0, uses_avx512(simd_level)};
  if (sgemm_trivial(m, n, k, 1.0f, 0.0f, c, ldc, &epilogue)) return;
  const a_operand_t a_operand = {0, NULL, 0, packed_a};
  const b_operand_t b_operand = {0, NULL, 0, NULL, 0, packed_b};
  sgemm_blocked(
    select_kernel(simd_level), m, n, k, 1.0f, &a_operand, &b_operand, 0.0f, c, ldc, &epilogue);
}
