// The 6×16 register tile the AVX2 kernels share (sgemm_avx2.c, conv_gather.c, conv_rows.c):
// twelve ymm accumulators c<row><half> — rows 0…5, half 0 = columns 0…7, half 1 = 8…15 —
// which with two ymm for a row of B and one broadcast fill AVX2's sixteen registers.
// Include after <immintrin.h>, inside functions compiled with target("avx2,fma").
#ifndef CCONVNETKERNELS_AVX2_TILE_H
#define CCONVNETKERNELS_AVX2_TILE_H

// Declares the twelve accumulators, all zero.
#define CN_TILE_ZERO_ACCUMULATORS()                                   \
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();        \
  __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();        \
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();        \
  __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();        \
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();        \
  __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps()

// One rank-1 update of the whole tile: row i += a[i] · (b0, b1), a[0…5] broadcast from memory,
// b0 and b1 the current row of B (columns 0…7 and 8…15).
#define CN_TILE_ROW_UPDATE(a, i, c0, c1)                                \
  do {                                                                  \
    const __m256 a_value = _mm256_broadcast_ss((a) + (i));             \
    c0 = _mm256_fmadd_ps(a_value, b0, c0);                              \
    c1 = _mm256_fmadd_ps(a_value, b1, c1);                              \
  } while (0)
#define CN_TILE_RANK1_UPDATE(a)                                         \
  do {                                                                  \
    CN_TILE_ROW_UPDATE(a, 0, c00, c01);                                 \
    CN_TILE_ROW_UPDATE(a, 1, c10, c11);                                 \
    CN_TILE_ROW_UPDATE(a, 2, c20, c21);                                 \
    CN_TILE_ROW_UPDATE(a, 3, c30, c31);                                 \
    CN_TILE_ROW_UPDATE(a, 4, c40, c41);                                 \
    CN_TILE_ROW_UPDATE(a, 5, c50, c51);                                 \
  } while (0)

// Stores the accumulators to a contiguous float tile[6][16].
#define CN_TILE_STORE(tile)                                                         \
  do {                                                                              \
    _mm256_storeu_ps((tile) + 0, c00), _mm256_storeu_ps((tile) + 8, c01);           \
    _mm256_storeu_ps((tile) + 16, c10), _mm256_storeu_ps((tile) + 24, c11);         \
    _mm256_storeu_ps((tile) + 32, c20), _mm256_storeu_ps((tile) + 40, c21);         \
    _mm256_storeu_ps((tile) + 48, c30), _mm256_storeu_ps((tile) + 56, c31);         \
    _mm256_storeu_ps((tile) + 64, c40), _mm256_storeu_ps((tile) + 72, c41);         \
    _mm256_storeu_ps((tile) + 80, c50), _mm256_storeu_ps((tile) + 88, c51);         \
  } while (0)

#endif
