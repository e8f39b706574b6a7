// 2×2 / stride-2 max pooling, forward: the shape every LeNet/VGG-style network pools with.
// The portable loop is the definition; the AVX2 loop does 8 windows at once (de-interleaving
// even and odd columns of the two input rows) with the same comparisons, so both give
// bit-identical outputs and indices. Compiled for AVX2 through a per-function target
// attribute, called only when cn_simd_level() reports it.
#include "CConvNetKernels.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CN_POOL_HAVE_AVX2 1
#include <immintrin.h>
#endif

static inline float relu_if(float v, int relu) { return relu ? (v > 0.0f ? v : 0.0f) : v; }

// Windows ow0 ..< out_w of output row oh of one plane, one at a time.
static void pool_row_portable(
  const float *x, float *y, int32_t *argmax, long width, long oh, long ow0, long out_w, int relu)
{
  const long top = 2 * oh * width;
  for (long ow = ow0; ow < out_w; ++ow) {
    const long candidates[4] = {top + 2 * ow, top + 2 * ow + 1, top + width + 2 * ow,
                                top + width + 2 * ow + 1};
    float best = relu_if(x[candidates[0]], relu);
    long best_index = candidates[0];
    for (int i = 1; i < 4; ++i) {
      const float value = relu_if(x[candidates[i]], relu);
      if (value > best || value != value) {
        best = value;
        best_index = candidates[i];
      }
    }
    y[oh * out_w + ow] = best;
    argmax[oh * out_w + ow] = (int32_t)best_index;
  }
}

#if defined(CN_POOL_HAVE_AVX2)
#define CN_AVX2 __attribute__((target("avx2,fma")))

// Splits 16 consecutive floats at p into their even and odd elements (8 each, in order).
CN_AVX2 static inline void deinterleave(const float *p, __m256 *even, __m256 *odd) {
  const __m256 low = _mm256_loadu_ps(p);
  const __m256 high = _mm256_loadu_ps(p + 8);
  // shuffle gives [l0 l2 h0 h2 | l4 l6 h4 h6]; the 64-bit permute restores l0 l2 l4 l6 h0 …
  *even = _mm256_castpd_ps(_mm256_permute4x64_pd(
    _mm256_castps_pd(_mm256_shuffle_ps(low, high, 0x88)), 0xD8));
  *odd = _mm256_castpd_ps(_mm256_permute4x64_pd(
    _mm256_castps_pd(_mm256_shuffle_ps(low, high, 0xDD)), 0xD8));
}

CN_AVX2 static inline __m256 relu8(__m256 v, int relu) {
  // v > 0 ? v : +0 (NaN → 0), as relu_if.
  return relu ? _mm256_and_ps(v, _mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_GT_OQ)) : v;
}

// Takes candidate (value, index) where value > best or value is NaN.
CN_AVX2 static inline void consider(__m256 value, __m256i index, __m256 *best, __m256i *best_index) {
  const __m256 take = _mm256_or_ps(
    _mm256_cmp_ps(value, *best, _CMP_GT_OQ), _mm256_cmp_ps(value, value, _CMP_UNORD_Q));
  *best = _mm256_blendv_ps(*best, value, take);
  *best_index = _mm256_castps_si256(_mm256_blendv_ps(
    _mm256_castsi256_ps(*best_index), _mm256_castsi256_ps(index), take));
}

// Pools the 8 windows ow ..< ow + 8 of output row oh (needs 2·(ow + 8) ≤ width).
CN_AVX2 static inline void pool8(
  const float *x, float *y, int32_t *argmax, long width, long oh, long ow, long out_w, int relu)
{
  const long top = 2 * oh * width;
  __m256 a, b, c, d;
  deinterleave(x + top + 2 * ow, &a, &b);
  deinterleave(x + top + width + 2 * ow, &c, &d);
  const __m256i index_a = _mm256_add_epi32(
    _mm256_set1_epi32((int)(top + 2 * ow)), _mm256_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14));
  const __m256i index_b = _mm256_add_epi32(index_a, _mm256_set1_epi32(1));
  const __m256i index_c = _mm256_add_epi32(index_a, _mm256_set1_epi32((int)width));
  const __m256i index_d = _mm256_add_epi32(index_c, _mm256_set1_epi32(1));
  __m256 best = relu8(a, relu);
  __m256i best_index = index_a;
  consider(relu8(b, relu), index_b, &best, &best_index);
  consider(relu8(c, relu), index_c, &best, &best_index);
  consider(relu8(d, relu), index_d, &best, &best_index);
  _mm256_storeu_ps(y + oh * out_w + ow, best);
  _mm256_storeu_si256((__m256i *)(argmax + oh * out_w + ow), best_index);
}

// Planes narrower than 8 windows (e.g. LeNet's 10×10 → 5×5): 8 consecutive outputs of the
// flattened plane at a time, their candidates gathered (needs out_h·out_w ≥ 8). The last
// block overlaps the one before rather than running a scalar tail.
CN_AVX2 static void pool_narrow_plane_avx2(
  const float *x, float *y, int32_t *argmax, long width, long out_h, long out_w, int relu)
{
  const long count = out_h * out_w;
  int32_t first[8];
  for (long block = 0; block < count; block += 8) {
    const long start = block + 8 <= count ? block : count - 8;
    long oh = start / out_w;
    long ow = start - oh * out_w;
    for (int lane = 0; lane < 8; ++lane) {
      first[lane] = (int32_t)(2 * oh * width + 2 * ow);
      if (++ow == out_w) {
        ow = 0;
        ++oh;
      }
    }
    const __m256i index_a = _mm256_loadu_si256((const __m256i *)first);
    const __m256i index_b = _mm256_add_epi32(index_a, _mm256_set1_epi32(1));
    const __m256i index_c = _mm256_add_epi32(index_a, _mm256_set1_epi32((int)width));
    const __m256i index_d = _mm256_add_epi32(index_c, _mm256_set1_epi32(1));
    __m256 best = relu8(_mm256_i32gather_ps(x, index_a, 4), relu);
    __m256i best_index = index_a;
    consider(relu8(_mm256_i32gather_ps(x, index_b, 4), relu), index_b, &best, &best_index);
    consider(relu8(_mm256_i32gather_ps(x, index_c, 4), relu), index_c, &best, &best_index);
    consider(relu8(_mm256_i32gather_ps(x, index_d, 4), relu), index_d, &best, &best_index);
    _mm256_storeu_ps(y + start, best);
    _mm256_storeu_si256((__m256i *)(argmax + start), best_index);
  }
}

CN_AVX2 static void pool_plane_avx2(
  const float *x, float *y, int32_t *argmax, long width, long out_h, long out_w, int relu)
{
  if (out_w < 8) {  // rows too narrow for a vector
    if (out_h * out_w >= 8) {
      pool_narrow_plane_avx2(x, y, argmax, width, out_h, out_w, relu);
    } else {
      for (long oh = 0; oh < out_h; ++oh) pool_row_portable(x, y, argmax, width, oh, 0, out_w, relu);
    }
    return;
  }
  for (long oh = 0; oh < out_h; ++oh) {
    // 2·(ow + 8) ≤ 2·out_w ≤ width, so every block's 16 floats per input row exist.
    long ow = 0;
    for (; ow + 8 <= out_w; ow += 8) pool8(x, y, argmax, width, oh, ow, out_w, relu);
    // The last partial block is redone as the (overlapping) last 8 windows: the same values
    // are written again, without a branchy scalar tail.
    if (ow < out_w) pool8(x, y, argmax, width, oh, out_w - 8, out_w, relu);
  }
}
#endif

void cn_maxpool2x2_forward(
  int simd_level, long planes, long height, long width, long out_h, long out_w,
  const float *input, float *output, int32_t *indices, int relu)
{
  for (long plane = 0; plane < planes; ++plane) {
    const float *x = input + plane * height * width;
    float *y = output + plane * out_h * out_w;
    int32_t *argmax = indices + plane * out_h * out_w;
#if defined(CN_POOL_HAVE_AVX2)
    if (simd_level >= 1) {
      pool_plane_avx2(x, y, argmax, width, out_h, out_w, relu);
      continue;
    }
#endif
    for (long oh = 0; oh < out_h; ++oh) pool_row_portable(x, y, argmax, width, oh, 0, out_w, relu);
  }
}
