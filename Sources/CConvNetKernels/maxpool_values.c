// Max pooling forward without argmax indices: the inference path (no gradient will be routed
// back, so the index bookkeeping — an int per output, written and carried through every
// comparison — is dropped). Any window, stride and padding, as maxPool2DForward; the portable
// loop is the definition (the same comparison in the same row-major tap order as the reference
// twin, so values agree bit for bit, NaN payloads and signed zeros included). The AVX-512 loop
// computes 16 outputs of a row at once from the candidates of each tap: contiguous loads at
// stride 1, even lanes of two loads at stride 2 (ResNet's 3×3 / stride-2 stem pool), gathers
// otherwise; border outputs (windows clipped by the padding) run the portable loop.
#include "cn_pooling.h"
#include "CConvNetKernels.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CN_POOL_VALUES_HAVE_AVX512 1
#include <immintrin.h>
#endif

static inline float rectify_if(float v, int relu) { return relu ? (v > 0.0f ? v : 0.0f) : v; }

static inline long max_long(long a, long b) { return a > b ? a : b; }
static inline long min_long(long a, long b) { return a < b ? a : b; }

// Outputs ow0 ..< ow1 of one output row whose window rows are r_lo ..< r_hi, one at a time.
static void pool_row_values_portable(
  const float *x, float *y_row, long width, long r_lo, long r_hi, long ow0, long ow1,
  long k_w, long s_w, long p_w, int relu)
{
  for (long ow = ow0; ow < ow1; ++ow) {
    const long c0 = ow * s_w - p_w;
    const long c_lo = max_long(c0, 0), c_hi = min_long(c0 + k_w, width);
    float best = -__builtin_inff();
    for (long ih = r_lo; ih < r_hi; ++ih) {
      for (long iw = c_lo; iw < c_hi; ++iw) {
        const float value = rectify_if(x[ih * width + iw], relu);
        if (value > best || value != value) best = value;
      }
    }
    y_row[ow] = best;
  }
}

#if defined(CN_POOL_VALUES_HAVE_AVX512)
#define CN_AVX512 __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma")))

// Outputs ow0 ..< ow1 of a row, all with whole windows (columns inside the image), 16 at a
// time; the last block masked.
CN_AVX512 static void pool_row_values_avx512(
  const float *x, float *y_row, long width, long r_lo, long r_hi, long ow0, long ow1,
  long k_w, long s_w, long p_w, int relu)
{
  const __m512i evens = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i lane_offsets = _mm512_mullo_epi32(
    _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
    _mm512_set1_epi32((int)s_w));
  for (long ow = ow0; ow < ow1; ow += 16) {
    const long count = min_long(16, ow1 - ow);
    const __mmask16 lanes = (__mmask16)((1u << count) - 1);
    // Stride 2 reads elements 0 ..< 2·count − 1 from the first column on.
    const long needed = 2 * count - 1;
    const __mmask16 low_lanes = (__mmask16)(needed >= 16 ? 0xFFFFu : (1u << needed) - 1);
    const __mmask16 high_lanes = (__mmask16)(needed > 16 ? (1u << (needed - 16)) - 1 : 0);
    __m512 best = _mm512_set1_ps(-__builtin_inff());
    for (long ih = r_lo; ih < r_hi; ++ih) {
      for (long kj = 0; kj < k_w; ++kj) {
        const float *first = x + ih * width + ow * s_w - p_w + kj;  // lane 0's candidate
        __m512 candidate;
        if (s_w == 1) {
          candidate = _mm512_maskz_loadu_ps(lanes, first);
        } else if (s_w == 2) {
          const __m512 low = _mm512_maskz_loadu_ps(low_lanes, first);
          const __m512 high = _mm512_maskz_loadu_ps(high_lanes, first + 16);
          candidate = _mm512_permutex2var_ps(low, evens, high);
        } else {
          candidate = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), lanes, lane_offsets, first, 4);
        }
        if (relu) {
          candidate = _mm512_maskz_mov_ps(
            _mm512_cmp_ps_mask(candidate, _mm512_setzero_ps(), _CMP_GT_OQ), candidate);
        }
        const __mmask16 take = _mm512_cmp_ps_mask(candidate, best, _CMP_GT_OQ)
          | _mm512_cmp_ps_mask(candidate, candidate, _CMP_UNORD_Q);
        best = _mm512_mask_mov_ps(best, take, candidate);
      }
    }
    _mm512_mask_storeu_ps(y_row + ow, lanes, best);
  }
}
#endif

void cn_maxpool_values_forward(
  int simd_level, long planes, long height, long width, long out_h, long out_w, long k_h,
  long k_w, long s_h, long s_w, long p_h, long p_w, const float *input, float *output, int relu)
{
  // Outputs [interior_start, interior_end) of a row have whole windows: c0 ≥ 0, c0 + k_w ≤ width.
  const long interior_start = min_long(out_w, (p_w + s_w - 1) / s_w);
  const long interior_end = max_long(
    interior_start, min_long(out_w, width - k_w + p_w >= 0 ? (width - k_w + p_w) / s_w + 1 : 0));
  int vector = 0;
#if defined(CN_POOL_VALUES_HAVE_AVX512)
  vector = simd_level >= CN_SIMD_AVX512 && cn_simd_level() >= CN_SIMD_AVX512;
#else
  (void)simd_level;
#endif
  for (long plane = 0; plane < planes; ++plane) {
    const float *x = input + plane * height * width;
    float *y = output + plane * out_h * out_w;
    for (long oh = 0; oh < out_h; ++oh) {
      const long r0 = oh * s_h - p_h;
      const long r_lo = max_long(r0, 0), r_hi = min_long(r0 + k_h, height);
      float *y_row = y + oh * out_w;
      if (vector) {
#if defined(CN_POOL_VALUES_HAVE_AVX512)
        pool_row_values_portable(x, y_row, width, r_lo, r_hi, 0, interior_start, k_w, s_w, p_w, relu);
        pool_row_values_avx512(
          x, y_row, width, r_lo, r_hi, interior_start, interior_end, k_w, s_w, p_w, relu);
        pool_row_values_portable(
          x, y_row, width, r_lo, r_hi, interior_end, out_w, k_w, s_w, p_w, relu);
#endif
      } else {
        pool_row_values_portable(x, y_row, width, r_lo, r_hi, 0, out_w, k_w, s_w, p_w, relu);
      }
    }
  }
}
