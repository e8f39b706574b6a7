// The 1×1 convolutions of the fused inverted residual block (and any GEMM whose A is prepacked
// and whose epilogue is bias per row, a residual and an activation): C = A · B, then
// C = activation(C + bias + residual), with the epilogue done by vector code on each register
// tile right after the micro-kernel wrote it (the shared driver's epilogue, sgemm.c, is plain C
// for any shape of epilogue; on MobileNetV2 it cost half as much as the multiply-adds of the
// projections; at AVX-512 a full tile's epilogue runs on its accumulators). The same
// micro-kernels and cache blocking as cn_sgemm_packed; B is read in place but for a last
// partial panel.
#include "CConvNetKernels.h"
#include "epilogue.h"
#include "sgemm_buffers.h"
#include "sgemm_internal.h"

enum { MR = CN_SGEMM_MR, NR = CN_SGEMM_NR, KC = CN_SGEMM_KC_MAX, NC = 512 };

static inline long min_long(long a, long b) { return a < b ? a : b; }
static inline long ceil_div(long a, long b) { return (a + b - 1) / b; }

// Blocks of at most `limit`, as equal as possible, a multiple of `unit` (except the last).
static long balanced(long total, long limit, long unit) {
  const long blocks = ceil_div(total, limit);
  return ceil_div(ceil_div(total, blocks), unit) * unit;
}

typedef struct {
  const float *bias;  // per row of C, NULL for none
  int activation;
  const float *residual;  // NULL for none
  long ldr;
} fused_epilogue;

// The epilogue on a rows × columns tile (at most MR × NR) of C at row row0, column column0.
typedef void (*epilogue_fn)(const fused_epilogue *, long row0, long column0, long rows,
                            long columns, float *c, long ldc);

static void epilogue_portable(const fused_epilogue *e, long row0, long column0, long rows,
                              long columns, float *c, long ldc)
{
  for (long i = 0; i < rows; ++i) {
    float *row = c + i * ldc;
    if (e->bias != NULL) {
      const float value = e->bias[row0 + i];
      for (long j = 0; j < columns; ++j) row[j] += value;
    }
    if (e->residual != NULL) cn_add_row(row, e->residual + (row0 + i) * e->ldr + column0, columns);
    cn_activate_row(row, columns, e->activation);
  }
}

#if defined(CN_SGEMM_HAVE_AVX512)
#include <immintrin.h>
#define CN_PW_AVX512 __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma")))
#define CN_PW_AVX2 __attribute__((target("avx2,fma")))

// One masked vector per row (NR = 16 columns).
CN_PW_AVX512 static void epilogue_avx512(const fused_epilogue *e, long row0, long column0,
                                         long rows, long columns, float *c, long ldc)
{
  const __mmask16 m = (__mmask16)(columns >= 16 ? 0xFFFF : (1u << columns) - 1);
  for (long i = 0; i < rows; ++i) {
    float *row = c + i * ldc;
    __m512 v = _mm512_maskz_loadu_ps(m, row);
    if (e->bias != NULL) v = _mm512_add_ps(v, _mm512_set1_ps(e->bias[row0 + i]));
    if (e->residual != NULL)
      v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(m, e->residual + (row0 + i) * e->ldr + column0));
    v = cn_activate16(v, e->activation);
    _mm512_mask_storeu_ps(row, m, v);
  }
}

// A full MR×NR tile on the last depth block at AVX-512: cn_sgemm_kernel_avx512's product (the
// same FMAs in the same order) with epilogue_avx512's operations applied to the accumulators
// before the one store — the tile is not stored, loaded back and stored again. The values are
// those of the kernel followed by the epilogue, bit for bit (alpha 1 and beta 0 or 1 are exact).
CN_PW_AVX512 static void kernel_epilogue_avx512(
  long k, const float *a, const float *b, long b_k_stride, float beta, float *c, long ldc,
  const fused_epilogue *e, long row0, long column0)
{
  __m512 acc[MR];
  for (int i = 0; i < MR; ++i) acc[i] = _mm512_setzero_ps();
  for (long p = 0; p < k; ++p) {
    // A ahead, as in cn_sgemm_kernel_avx512 (see CN_SGEMM_A_PREFETCH_DISTANCE).
    _mm_prefetch((const char *)(a + CN_SGEMM_A_PREFETCH_DISTANCE), _MM_HINT_T0);
    const __m512 b0 = _mm512_loadu_ps(b);
    for (int i = 0; i < MR; ++i) acc[i] = _mm512_fmadd_ps(_mm512_set1_ps(a[i]), b0, acc[i]);
    a += MR;
    b += b_k_stride;
  }
  for (int i = 0; i < MR; ++i) {
    float *row = c + i * ldc;
    __m512 v = acc[i];
    if (beta != 0.0f) v = _mm512_fmadd_ps(_mm512_set1_ps(beta), _mm512_loadu_ps(row), v);
    if (e->bias != NULL) v = _mm512_add_ps(v, _mm512_set1_ps(e->bias[row0 + i]));
    if (e->residual != NULL)
      v = _mm512_add_ps(v, _mm512_loadu_ps(e->residual + (row0 + i) * e->ldr + column0));
    v = cn_activate16(v, e->activation);
    _mm512_storeu_ps(row, v);
  }
}

// Two masked 8-lane vectors per row.
CN_PW_AVX2 static void epilogue_avx2(const fused_epilogue *e, long row0, long column0,
                                     long rows, long columns, float *c, long ldc)
{
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256 zero = _mm256_setzero_ps(), six = _mm256_set1_ps(6.0f);
  for (long half = 0; half < 2; ++half) {
    const long left = columns - 8 * half;
    if (left <= 0) break;
    const __m256i m = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(left < 8 ? left : 8)), lanes);
    for (long i = 0; i < rows; ++i) {
      float *row = c + i * ldc + 8 * half;
      __m256 v = _mm256_maskload_ps(row, m);
      if (e->bias != NULL) v = _mm256_add_ps(v, _mm256_set1_ps(e->bias[row0 + i]));
      if (e->residual != NULL)
        v = _mm256_add_ps(
          v, _mm256_maskload_ps(e->residual + (row0 + i) * e->ldr + column0 + 8 * half, m));
      switch (e->activation) {
      case CN_ACTIVATION_RELU: v = _mm256_max_ps(zero, v); break;
      case CN_ACTIVATION_RELU6: v = _mm256_min_ps(six, _mm256_max_ps(zero, v)); break;
      case CN_ACTIVATION_HARDSWISH: {
        __m256 t = _mm256_add_ps(v, _mm256_set1_ps(3.0f));
        t = _mm256_min_ps(six, _mm256_max_ps(zero, t));
        v = _mm256_div_ps(_mm256_mul_ps(v, t), six);
        break;
      }
      default: break;
      }
      _mm256_maskstore_ps(row, m, v);
    }
  }
}
#endif

#if defined(CN_SGEMM_HAVE_AVX512)
// A last strip only `columns` ≤ CN_SGEMM_NARROW_COLUMNS wide (a 7×7 output's 49th pixel, a
// 14×14 one's last 4), all m rows, depth block [pc, pc + kc) of k: through the narrow AVX-512
// kernel, several row panels at a time (bit-identical to the full kernel, see sgemm_avx512.c),
// rather than a whole 16-column tile per row panel. c is the strip's top-left in C; the
// products are stored (first depth block) or added, then, on the last block, the epilogue.
static void narrow_strip(
  long m, long columns, long k, long pc, long kc, const float *packed_a, const float *b_panel,
  int accumulate, int last, const fused_epilogue *e, epilogue_fn finish, long column0,
  float *c, long ldc)
{
  const long group = cn_sgemm_narrow_group(columns);
  _Alignas(64) float scratch[CN_SGEMM_NARROW_PANELS * MR * NR];
  for (long i0 = 0; i0 < m; i0 += group * MR) {
    const long panels = min_long(group, ceil_div(m - i0, MR));
    cn_sgemm_kernel_narrow_avx512(
      panels, columns, kc, packed_a + i0 * k + pc * MR, MR * k, b_panel, NR, 1.0f, scratch);
    for (long q = 0; q < panels; ++q) {
      const long row0 = i0 + q * MR, rows = min_long(MR, m - row0);
      float *tile = c + row0 * ldc;
      const float *s = scratch + q * MR * NR;
      for (long i = 0; i < rows; ++i)
        for (long j = 0; j < columns; ++j)
          tile[i * ldc + j] = accumulate ? s[i * NR + j] + tile[i * ldc + j] : s[i * NR + j];
      if (last) finish(e, row0, column0, rows, columns, tile, ldc);
    }
  }
}
#endif

void cn_sgemm_packed_fused(
  int simd_level, long m, long n, long k, const float *packed_a, const float *b, long ldb,
  float *c, long ldc, const float *bias, int activation, const float *residual, long ldr)
{
  if (m <= 0 || n <= 0) return;
  const fused_epilogue e = {bias, activation, residual, ldr};
  const int level = simd_level < cn_simd_level() ? simd_level : cn_simd_level();
  cn_sgemm_microkernel kernel = cn_sgemm_kernel_portable;
  epilogue_fn finish = epilogue_portable;
#if defined(CN_SGEMM_HAVE_AVX512)
  if (level >= CN_SIMD_AVX512) { kernel = cn_sgemm_kernel_avx512; finish = epilogue_avx512; }
  else if (level >= CN_SIMD_AVX2) { kernel = cn_sgemm_kernel_avx2; finish = epilogue_avx2; }
#endif
  if (k <= 0) {  // no product term: C = the epilogue of zero
    for (long i = 0; i < m; ++i)
      for (long j = 0; j < n; ++j) c[i * ldc + j] = 0.0f;
    for (long j0 = 0; j0 < n; j0 += NR)
      for (long i0 = 0; i0 < m; i0 += MR)
        finish(&e, i0, j0, min_long(MR, m - i0), min_long(NR, n - j0), c + i0 * ldc + j0, ldc);
    return;
  }
  const long kc_block = balanced(k, KC, 1);
  const long nc_block = balanced(n, NC, NR);
  float *packed_b = cn_sgemm_buffer_b((size_t)nc_block * kc_block);
  _Alignas(64) float scratch[MR * NR];
  for (long jc = 0; jc < n; jc += nc_block) {
    const long nc = min_long(nc_block, n - jc);
    // Whole NR-column panels read B in place (the micro-kernel takes B's rows ldb apart): B is
    // read once per row tile either way, and a copy into panels cost as much as a tenth of the
    // multiply-adds at MobileNet's depths (16–960). Only a last, partial panel is packed (with
    // zero columns past n).
    const long whole = nc / NR * NR;
    for (long pc = 0; pc < k; pc += kc_block) {
      const long kc = min_long(kc_block, k - pc);
      const float beta = pc == 0 ? 0.0f : 1.0f;
      const int last = pc + kc == k;
      if (whole < nc) cn_sgemm_pack_b(0, kc, nc - whole, b + pc * ldb + jc + whole, ldb, packed_b);
      for (long jr = 0; jr < nc; jr += NR) {
        const long columns = min_long(NR, nc - jr);
        const float *b_panel = jr < whole ? b + pc * ldb + jc + jr : packed_b;
        const long b_stride = jr < whole ? ldb : NR;
#if defined(CN_SGEMM_HAVE_AVX512)
        if (columns <= CN_SGEMM_NARROW_COLUMNS && kernel == cn_sgemm_kernel_avx512) {
          narrow_strip(m, columns, k, pc, kc, packed_a, b_panel, pc != 0, last, &e, finish,
            jc + jr, c + jc + jr, ldc);
          continue;
        }
#endif
        for (long ir = 0; ir < m; ir += MR) {
          const long rows = min_long(MR, m - ir);
          const float *a = packed_a + ir * k + pc * MR;
          float *tile = c + ir * ldc + jc + jr;
          if (rows == MR && columns == NR) {
#if defined(CN_SGEMM_HAVE_AVX512)
            if (last && kernel == cn_sgemm_kernel_avx512) {
              kernel_epilogue_avx512(kc, a, b_panel, b_stride, beta, tile, ldc, &e, ir, jc + jr);
              continue;
            }
#endif
            kernel(kc, a, b_panel, b_stride, 1.0f, beta, tile, ldc);
          } else {  // an edge tile: through a whole scratch tile
            kernel(kc, a, b_panel, b_stride, 1.0f, 0.0f, scratch, NR);
            for (long i = 0; i < rows; ++i)
              for (long j = 0; j < columns; ++j)
                tile[i * ldc + j] = pc == 0 ? scratch[i * NR + j] : scratch[i * NR + j] + tile[i * ldc + j];
          }
          if (last) finish(&e, ir, jc + jr, rows, columns, tile, ldc);
        }
      }
    }
  }
}
