// AVX-512 SGEMM micro-kernel on the shared 6×16 tile: one zmm accumulator per row of the tile,
// one zmm for the current row of B, and A's element broadcast straight from memory into each
// FMA (the {1to16} operand form), so a step of the depth is 1 load + 6 FMAs where AVX2 needs
// 2 loads + 6 broadcasts + 12 FMAs. Same packed layout as the other kernels (MR = 6, NR = 16),
// so the packers and every caller are shared.
// Compiled for AVX-512 through per-function target attributes (no global -mavx512f), so the
// file builds for any x86-64; the driver calls it only when cn_simd_level() reports AVX-512.
#include "epilogue.h"
#include "sgemm_internal.h"

#if defined(CN_SGEMM_HAVE_AVX512)
#include <immintrin.h>

#define CN_AVX512 __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma")))

CN_AVX512 void cn_sgemm_kernel_avx512(
  long k, const float *a, const float *b, long b_k_stride, float alpha, float beta,
  float *c, long ldc)
{
  __m512 c0 = _mm512_setzero_ps(), c1 = _mm512_setzero_ps(), c2 = _mm512_setzero_ps();
  __m512 c3 = _mm512_setzero_ps(), c4 = _mm512_setzero_ps(), c5 = _mm512_setzero_ps();
  // Warm the C tile while the loop runs; it is needed only at the end.
  for (int i = 0; i < CN_SGEMM_MR; ++i) _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);

  for (long p = 0; p < k; ++p) {
    _mm_prefetch((const char *)(a + CN_SGEMM_A_PREFETCH_DISTANCE), _MM_HINT_T0);
    const __m512 b0 = _mm512_loadu_ps(b);
    c0 = _mm512_fmadd_ps(_mm512_set1_ps(a[0]), b0, c0);
    c1 = _mm512_fmadd_ps(_mm512_set1_ps(a[1]), b0, c1);
    c2 = _mm512_fmadd_ps(_mm512_set1_ps(a[2]), b0, c2);
    c3 = _mm512_fmadd_ps(_mm512_set1_ps(a[3]), b0, c3);
    c4 = _mm512_fmadd_ps(_mm512_set1_ps(a[4]), b0, c4);
    c5 = _mm512_fmadd_ps(_mm512_set1_ps(a[5]), b0, c5);
    a += CN_SGEMM_MR;
    b += b_k_stride;
  }

  const __m512 alpha_v = _mm512_set1_ps(alpha);
  const __m512 beta_v = _mm512_set1_ps(beta);
  __m512 rows[CN_SGEMM_MR] = {c0, c1, c2, c3, c4, c5};
  for (int i = 0; i < CN_SGEMM_MR; ++i) {
    float *c_row = c + i * ldc;
    __m512 r = _mm512_mul_ps(alpha_v, rows[i]);
    if (beta != 0.0f) r = _mm512_fmadd_ps(beta_v, _mm512_loadu_ps(c_row), r);
    _mm512_storeu_ps(c_row, r);
  }
}

// The epilogue of a full MR×NR tile of C (c, rows ldc apart), 16 lanes per row: c = c + bias
// (one value per row; NULL for none) + residual (rows ldr apart; NULL for none), then the
// activation (CN_ACTIVATION_*, cn_activate16) — the same operations in the same order as the
// driver's scalar apply_epilogue, so the results are identical (NaN stays NaN, −0 stays −0).
CN_AVX512 void cn_sgemm_epilogue_tile_avx512(
  float *c, long ldc, const float *bias, const float *residual, long ldr, int activation)
{
  for (int i = 0; i < CN_SGEMM_MR; ++i) {
    float *row = c + i * ldc;
    __m512 value = _mm512_loadu_ps(row);
    if (bias != NULL) value = _mm512_add_ps(value, _mm512_set1_ps(bias[i]));
    if (residual != NULL) value = _mm512_add_ps(value, _mm512_loadu_ps(residual + i * ldr));
    _mm512_storeu_ps(row, cn_activate16(value, activation));
  }
}

// The last strip of C when it is only `columns` ≤ CN_SGEMM_NARROW_COLUMNS wide (a 7×7 output
// has 49 pixels: 3 full strips of NR and one of 1). The full kernel would spend 6 zmm FMAs per
// step of the depth on it, 15 of 16 lanes wasted. Here a row panel's 6 rows of A are one
// (masked) ymm and each column one FMA with its B value broadcast — and several row panels run
// together, because one panel alone would be a single chain of dependent FMAs (one per FMA
// latency, ~4 cycles, per step of the depth); `panels` × `columns` ≥ 8 independent chains keep
// both FMA pipes busy. Each element is the same chain of FMAs in the same order as in the full
// kernel, so the results are bit-identical. Panel q's A starts at a + q·panel_stride; writes
// alpha · acc to scratch[q·MR·NR + i·NR + j].
CN_AVX512 static inline __attribute__((always_inline)) void narrow_panels(
  const int panels, const int columns, long k, const float *a, long panel_stride,
  const float *b, long b_k_stride, float alpha, float *scratch)
{
  const __mmask8 rows = (1u << CN_SGEMM_MR) - 1;
  __m256 acc[CN_SGEMM_NARROW_PANELS][CN_SGEMM_NARROW_COLUMNS];
  for (int q = 0; q < panels; ++q) {
    for (int j = 0; j < columns; ++j) acc[q][j] = _mm256_setzero_ps();
  }
  for (long p = 0; p < k; ++p) {
    __m256 b_v[CN_SGEMM_NARROW_COLUMNS];
    for (int j = 0; j < columns; ++j) b_v[j] = _mm256_set1_ps(b[j]);
    for (int q = 0; q < panels; ++q) {
      const __m256 a_v = _mm256_maskz_loadu_ps(rows, a + q * panel_stride + p * CN_SGEMM_MR);
      for (int j = 0; j < columns; ++j) acc[q][j] = _mm256_fmadd_ps(a_v, b_v[j], acc[q][j]);
    }
    b += b_k_stride;
  }
  const __m256 alpha_v = _mm256_set1_ps(alpha);
  for (int q = 0; q < panels; ++q) {
    float *panel_scratch = scratch + q * CN_SGEMM_MR * CN_SGEMM_NR;
    for (int j = 0; j < columns; ++j) {
      float values[8];
      _mm256_storeu_ps(values, _mm256_mul_ps(alpha_v, acc[q][j]));
      for (int i = 0; i < CN_SGEMM_MR; ++i) panel_scratch[i * CN_SGEMM_NR + j] = values[i];
    }
  }
}

// How many row panels run together for a strip of `columns`: enough for 8 chains.
long cn_sgemm_narrow_group(long columns) {
  return (CN_SGEMM_NARROW_PANELS + columns - 1) / columns;
}

#define CN_NARROW_CASE(P, C) \
  case P: narrow_panels(P, C, k, a, panel_stride, b, b_k_stride, alpha, scratch); break;

CN_AVX512 void cn_sgemm_kernel_narrow_avx512(
  long panels, long columns, long k, const float *a, long panel_stride, const float *b,
  long b_k_stride, float alpha, float *scratch)
{
  switch (columns) {
  case 1:
    switch (panels) {
      CN_NARROW_CASE(1, 1) CN_NARROW_CASE(2, 1) CN_NARROW_CASE(3, 1) CN_NARROW_CASE(4, 1)
      CN_NARROW_CASE(5, 1) CN_NARROW_CASE(6, 1) CN_NARROW_CASE(7, 1)
      default: narrow_panels(8, 1, k, a, panel_stride, b, b_k_stride, alpha, scratch); break;
    }
    break;
  case 2:
    switch (panels) {
      CN_NARROW_CASE(1, 2) CN_NARROW_CASE(2, 2) CN_NARROW_CASE(3, 2)
      default: narrow_panels(4, 2, k, a, panel_stride, b, b_k_stride, alpha, scratch); break;
    }
    break;
  case 3:
    switch (panels) {
      CN_NARROW_CASE(1, 3) CN_NARROW_CASE(2, 3)
      default: narrow_panels(3, 3, k, a, panel_stride, b, b_k_stride, alpha, scratch); break;
    }
    break;
  default:
    switch (panels) {
      CN_NARROW_CASE(1, 4)
      default: narrow_panels(2, 4, k, a, panel_stride, b, b_k_stride, alpha, scratch); break;
    }
    break;
  }
}

#undef CN_NARROW_CASE

#endif
