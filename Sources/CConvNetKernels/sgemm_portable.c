// Portable SGEMM micro-kernel: plain C written so that compilers vectorise the NR-wide inner
// loops (SSE on x86-64, NEON on arm64). Used on CPUs without AVX2 + FMA and in tests.
#include "sgemm_internal.h"

enum { MR = CN_SGEMM_MR, NR = CN_SGEMM_NR };

void cn_sgemm_kernel_portable(
  long k, const float *a, const float *b, long b_k_stride, float alpha, float beta,
  float *c, long ldc)
{
  // MR×NR accumulators; with constant bounds the compiler keeps them in vector registers.
  float acc[MR][NR] = {{0}};
  for (long p = 0; p < k; ++p) {
    const float *b_row = b + p * b_k_stride;
    const float *a_column = a + p * MR;
    for (int i = 0; i < MR; ++i) {
      const float a_value = a_column[i];
      for (int j = 0; j < NR; ++j) acc[i][j] += a_value * b_row[j];
    }
  }
  for (int i = 0; i < MR; ++i) {
    float *c_row = c + i * ldc;
    if (beta == 0.0f) {
      for (int j = 0; j < NR; ++j) c_row[j] = alpha * acc[i][j];
    } else {
      for (int j = 0; j < NR; ++j) c_row[j] = alpha * acc[i][j] + beta * c_row[j];
    }
  }
}
