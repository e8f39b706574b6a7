// AVX2 + FMA SGEMM micro-kernel, 6×16: twelve ymm accumulators (6 rows × 2 vectors of 8),
// two ymm for the current row of B and one for the broadcast element of A.
// Compiled for AVX2 through per-function target attributes (no global -mavx2), so this file is
// safe to build for any x86-64; the driver calls it only when cn_simd_level() reports AVX2 + FMA.
#include "sgemm_internal.h"

#if defined(CN_SGEMM_HAVE_AVX2)
#include <immintrin.h>

#include "avx2_tile.h"

#define CN_AVX2 __attribute__((target("avx2,fma")))

// Writes row i of the tile: c = alpha · acc + beta · c (c not read when beta == 0).
#define CN_ROW_STORE(i, c0, c1)                                                     \
  do {                                                                              \
    float *c_row = c + (i) * ldc;                                                   \
    __m256 r0 = _mm256_mul_ps(alpha_v, c0);                                         \
    __m256 r1 = _mm256_mul_ps(alpha_v, c1);                                         \
    if (beta != 0.0f) {                                                             \
      r0 = _mm256_fmadd_ps(beta_v, _mm256_loadu_ps(c_row), r0);                     \
      r1 = _mm256_fmadd_ps(beta_v, _mm256_loadu_ps(c_row + 8), r1);                 \
    }                                                                               \
    _mm256_storeu_ps(c_row, r0);                                                    \
    _mm256_storeu_ps(c_row + 8, r1);                                                \
  } while (0)

CN_AVX2 void cn_sgemm_kernel_avx2(
  long k, const float *a, const float *b, long b_k_stride, float alpha, float beta,
  float *c, long ldc)
{
  CN_TILE_ZERO_ACCUMULATORS();
  // Warm the C tile while the loop runs; it is needed only at the end.
  for (int i = 0; i < CN_SGEMM_MR; ++i) _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);

  for (long p = 0; p < k; ++p) {
    const __m256 b0 = _mm256_loadu_ps(b);
    const __m256 b1 = _mm256_loadu_ps(b + 8);
    CN_TILE_RANK1_UPDATE(a);
    a += CN_SGEMM_MR;
    b += b_k_stride;
  }

  const __m256 alpha_v = _mm256_set1_ps(alpha);
  const __m256 beta_v = _mm256_set1_ps(beta);
  CN_ROW_STORE(0, c00, c01);
  CN_ROW_STORE(1, c10, c11);
  CN_ROW_STORE(2, c20, c21);
  CN_ROW_STORE(3, c30, c31);
  CN_ROW_STORE(4, c40, c41);
  CN_ROW_STORE(5, c50, c51);
}

#endif
