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
// beta is applied on the first K block only; later K blocks accumulate (beta = 1).
// Threads are layered on top by the caller, each calling cn_sgemm on its own part of C.
#include "CConvNetKernels.h"
#include "sgemm_buffers.h"
#include "sgemm_internal.h"

enum { MR = CN_SGEMM_MR, NR = CN_SGEMM_NR };

// Cache-block sizes (in elements). A KC×NR panel of B (16 KiB) stays in L1 while an MC×KC
// block of A (144 KiB) stays in L2 (Zen 3: 32 KiB L1d, 512 KiB L2). NC = 1024 keeps the packed
// B block (1 MiB) and the C block it updates near the core; it measured better than 4096 when
// m is small and n huge (im2col convolutions), and the same on square sizes.
enum { KC = 256, MC = 144, NC = 1024 };

static cn_sgemm_microkernel select_kernel(int simd_level) {
#if defined(CN_SGEMM_HAVE_AVX2)
  if (simd_level >= 1 && cn_simd_level() >= 1) return cn_sgemm_kernel_avx2;
#endif
  (void)simd_level;
  return cn_sgemm_kernel_portable;
}

static long min_long(long x, long y) { return x < y ? x : y; }
static long ceil_div(long x, long y) { return (x + y - 1) / y; }

// Splits `total` into equal blocks of at most `limit`, rounded up to a multiple of `unit`,
// so that e.g. K = 576 becomes 3 × 192 rather than 256 + 256 + 64.
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

// At most MR rows of C (one row of register tiles) and B not transposed: every element of B is
// used by a single tile, so packing B could never pay for itself. Pack only A (≤ MR×KC, cheap)
// and let the micro-kernel read B's rows in place. Only the last, partial column strip of B is
// copied (zero-padded) so that the kernel never reads past B's end. (With more rows the
// unpacked B strip is re-read from L1 and, when ldb is a multiple of 1 KiB, its rows collide in
// the same cache sets: measured 2× slower than packing, hence the m ≤ MR limit.)
static void sgemm_direct(
  cn_sgemm_microkernel kernel, int trans_a, long m, long n, long k, float alpha,
  const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc)
{
  float *packed_a = cn_sgemm_buffer_a((size_t)ceil_div(m, MR) * MR * k);
  cn_sgemm_pack_a(trans_a, m, k, a, lda, packed_a);
  const long full_columns = n / NR * NR;
  for (long j0 = 0; j0 < full_columns; j0 += NR) {
    for (long i0 = 0; i0 < m; i0 += MR) {
      tile(kernel, min_long(MR, m - i0), NR, k, packed_a + i0 * k,
        b + j0, ldb, alpha, beta, c + i0 * ldc + j0, ldc);
    }
  }
  if (full_columns < n) {
    float *strip = cn_sgemm_buffer_b((size_t)k * NR);
    cn_sgemm_pack_b(0, k, n - full_columns, b + full_columns, ldb, strip);
    for (long i0 = 0; i0 < m; i0 += MR) {
      tile(kernel, min_long(MR, m - i0), n - full_columns, k, packed_a + i0 * k,
        strip, NR, alpha, beta, c + i0 * ldc + full_columns, ldc);
    }
  }
}

static void sgemm_blocked(
  cn_sgemm_microkernel kernel, int trans_a, int trans_b, long m, long n, long k, float alpha,
  const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc)
{
  const long kc_block = balanced_block(k, KC, 1);
  const long mc_block = balanced_block(m, MC, MR);
  const long nc_block = balanced_block(n, NC, NR);
  float *packed_a = cn_sgemm_buffer_a((size_t)mc_block * kc_block);
  float *packed_b = cn_sgemm_buffer_b((size_t)nc_block * kc_block);

  for (long jc = 0; jc < n; jc += nc_block) {
    const long nc = min_long(nc_block, n - jc);
    for (long pc = 0; pc < k; pc += kc_block) {
      const long kc = min_long(kc_block, k - pc);
      const float block_beta = pc == 0 ? beta : 1.0f;
      // op(B)[pc.., jc..]: row pc, column jc of op(B).
      const float *b_block = trans_b ? b + jc * ldb + pc : b + pc * ldb + jc;
      cn_sgemm_pack_b(trans_b, kc, nc, b_block, ldb, packed_b);
      for (long ic = 0; ic < m; ic += mc_block) {
        const long mc = min_long(mc_block, m - ic);
        const float *a_block = trans_a ? a + pc * lda + ic : a + ic * lda + pc;
        cn_sgemm_pack_a(trans_a, mc, kc, a_block, lda, packed_a);
        for (long jr = 0; jr < nc; jr += NR) {
          for (long ir = 0; ir < mc; ir += MR) {
            tile(kernel, min_long(MR, mc - ir), min_long(NR, nc - jr), kc,
              packed_a + ir * kc, packed_b + jr * kc, NR,
              alpha, block_beta, c + (ic + ir) * ldc + jc + jr, ldc);
          }
        }
      }
    }
  }
}

void cn_sgemm(
  int simd_level, int trans_a, int trans_b, long m, long n, long k, float alpha,
  const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc)
{
  if (m <= 0 || n <= 0) return;
  if (k <= 0 || alpha == 0.0f) {
    scale_c(m, n, beta, c, ldc);
    return;
  }
  const cn_sgemm_microkernel kernel = select_kernel(simd_level);
  if (m == 1) {
    cn_sgemm_row(trans_a, trans_b, n, k, alpha, a, lda, b, ldb, beta, c);
  } else if (!trans_b && m <= MR && k <= KC) {
    sgemm_direct(kernel, trans_a, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  } else {
    sgemm_blocked(kernel, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  }
}
