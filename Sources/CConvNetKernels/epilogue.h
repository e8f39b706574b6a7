// The activations a fused epilogue applies (CN_ACTIVATION_*), shared by the GEMM driver, the
// Winograd output transform and cn_epilogue_apply. Each row function runs one loop without
// branches inside, so that the compiler vectorises it.
#ifndef CCONVNETKERNELS_EPILOGUE_H
#define CCONVNETKERNELS_EPILOGUE_H

#include <stddef.h>

#include "CConvNetKernels.h"

// row[j] += residual[j] for j < n.
static inline __attribute__((always_inline)) void cn_add_row(
  float *restrict row, const float *restrict residual, long n)
{
  for (long j = 0; j < n; ++j) row[j] += residual[j];
}

// row[j] = activation(row[j]) for j < n. NaN stays NaN (comparisons with NaN are false).
static inline __attribute__((always_inline)) void cn_activate_row(
  float *restrict row, long n, int activation)
{
  switch (activation) {
  case CN_ACTIVATION_RELU:
    for (long j = 0; j < n; ++j) row[j] = row[j] < 0.0f ? 0.0f : row[j];
    break;
  case CN_ACTIVATION_RELU6:
    for (long j = 0; j < n; ++j) {
      const float x = row[j] < 0.0f ? 0.0f : row[j];
      row[j] = x > 6.0f ? 6.0f : x;
    }
    break;
  case CN_ACTIVATION_HARDSWISH:
    // x · relu6(x + 3) / 6, as PyTorch's hardswish.
    for (long j = 0; j < n; ++j) {
      float t = row[j] + 3.0f;
      t = t < 0.0f ? 0.0f : t;
      t = t > 6.0f ? 6.0f : t;
      row[j] = row[j] * t / 6.0f;
    }
    break;
  default:
    break;
  }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

// The activation of 16 values at once, for AVX-512 kernels, as cn_activate_row computes it
// (max/min with the constant first return the NaN operand: NaN stays NaN).
__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma"))) static inline __m512
cn_activate16(__m512 x, int activation)
{
  const __m512 zero = _mm512_setzero_ps(), six = _mm512_set1_ps(6.0f);
  switch (activation) {
  case CN_ACTIVATION_RELU: return _mm512_max_ps(zero, x);
  case CN_ACTIVATION_RELU6: return _mm512_min_ps(six, _mm512_max_ps(zero, x));
  case CN_ACTIVATION_HARDSWISH: {
    __m512 t = _mm512_add_ps(x, _mm512_set1_ps(3.0f));
    t = _mm512_min_ps(six, _mm512_max_ps(zero, t));
    return _mm512_div_ps(_mm512_mul_ps(x, t), six);
  }
  default: return x;
  }
}
#endif

#endif
