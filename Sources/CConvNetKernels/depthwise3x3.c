// 3×3 depthwise convolution with padding 1 and stride 1 or 2 (MobileNet's), bias and activation
// fused, on a band of output rows — the inference kernel of prepared convolutions and of the
// fused inverted-residual block.
//
// The general kernel (depthwise_conv.c) copies a whole zero-padded plane, then makes one pass
// over each output row per tap (9 loads and stores of the row), then the epilogue is a pass of
// its own. Here each output pixel is summed in a register — 9 loads, 9 FMAs, the bias and the
// activation, one store — from three padded input rows held in a ring of small buffers: each
// input row is copied once (with its zero border; for stride 2 split into even and odd columns,
// so that consecutive outputs read consecutive floats) and read by the up to three output rows
// that need it. Rows outside the image read a row of zeros. The loops have no padding tests;
// the portable C below is the plain twin, and AVX-512 and AVX2 twins with explicit vectors
// along the width (masked at a row's end) are picked at run time.
#include "CConvNetKernels.h"
#include "epilogue.h"
#include <stdint.h>

// Floats per ring slot: a padded row (width + 2), or its two phases for stride 2, rounded up
// to a whole number of 64-byte lines.
static inline long slot_floats(long width) { return ((width + 2 + 2) + 15) / 16 * 16; }

long cn_depthwise3x3_scratch_count(long width) { return 4 * slot_floats(width); }

// Writes padded input row x (width floats) into slot: stride 1 as [0, x0 … x_{W−1}, 0]; stride
// 2 as the even padded columns (0, x1, x3, …) then, half a slot on, the odd ones (x0, x2, …).
static inline __attribute__((always_inline)) void fill_slot(
  const float *restrict x, long width, long stride, float *restrict slot)
{
  if (stride == 1) {
    slot[0] = 0.0f;
    for (long i = 0; i < width; ++i) slot[i + 1] = x[i];
    slot[width + 1] = 0.0f;
    slot[width + 2] = 0.0f;
    return;
  }
  const long half = slot_floats(width) / 2;
  float *restrict even = slot;
  float *restrict odd = slot + half;
  // Padded column p holds x[p − 1]; even[j] = padded 2j, odd[j] = padded 2j + 1.
  even[0] = 0.0f;
  const long pairs = width / 2;
  for (long j = 0; j < pairs; ++j) {
    odd[j] = x[2 * j];
    even[j + 1] = x[2 * j + 1];
  }
  if (width % 2) {
    odd[pairs] = x[width - 1];
    even[pairs + 1] = 0.0f;
  } else {
    odd[pairs] = 0.0f;
  }
}

// One output row: out[ow] = act(bias + Σ taps), from the three padded rows r0, r1, r2.
static inline __attribute__((always_inline)) void row_body(
  const float *restrict r0, const float *restrict r1, const float *restrict r2, long half,
  long stride, const float *restrict w, float bias, int activation, float *restrict out,
  long out_width)
{
  const float w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3], w4 = w[4], w5 = w[5], w6 = w[6],
              w7 = w[7], w8 = w[8];
  if (stride == 1) {
    for (long ow = 0; ow < out_width; ++ow) {
      float acc = bias;
      acc += w0 * r0[ow]; acc += w1 * r0[ow + 1]; acc += w2 * r0[ow + 2];
      acc += w3 * r1[ow]; acc += w4 * r1[ow + 1]; acc += w5 * r1[ow + 2];
      acc += w6 * r2[ow]; acc += w7 * r2[ow + 1]; acc += w8 * r2[ow + 2];
      out[ow] = acc;
    }
  } else {
    const float *restrict o0 = r0 + half, *restrict o1 = r1 + half, *restrict o2 = r2 + half;
    for (long ow = 0; ow < out_width; ++ow) {
      float acc = bias;
      acc += w0 * r0[ow]; acc += w1 * o0[ow]; acc += w2 * r0[ow + 1];
      acc += w3 * r1[ow]; acc += w4 * o1[ow]; acc += w5 * r1[ow + 1];
      acc += w6 * r2[ow]; acc += w7 * o2[ow]; acc += w8 * r2[ow + 1];
      out[ow] = acc;
    }
  }
  // The activation on the row just written (still in L1).
  cn_activate_row(out, out_width, activation);
}

static inline __attribute__((always_inline)) void rows_body(
  const float *restrict input, long input_channel_stride, long input_first_row, long height,
  long width, long stride, const float *restrict weight, const float *restrict bias,
  int activation, long channels, long row_begin, long row_end, float *restrict output,
  long output_channel_stride, float *restrict scratch)
{
  const long out_width = (width - 1) / stride + 1;
  const long slot = slot_floats(width);
  float *restrict zero = scratch + 3 * slot;
  for (long i = 0; i < slot; ++i) zero[i] = 0.0f;
  for (long c = 0; c < channels; ++c) {
    const float *restrict plane = input + c * input_channel_stride;
    const float *restrict w = weight + 9 * c;
    const float b = bias != NULL ? bias[c] : 0.0f;
    float *restrict out = output + c * output_channel_stride;
    long held[3] = {-1, -1, -1};  // the input row each ring slot holds
    for (long oh = row_begin; oh < row_end; ++oh) {
      const float *rows[3];
      for (long ki = 0; ki < 3; ++ki) {
        const long ih = oh * stride - 1 + ki;
        if (ih < 0 || ih >= height) { rows[ki] = zero; continue; }
        float *target = scratch + (ih % 3) * slot;
        if (held[ih % 3] != ih) {
          fill_slot(plane + (ih - input_first_row) * width, width, stride, target);
          held[ih % 3] = ih;
        }
        rows[ki] = target;
      }
      row_body(rows[0], rows[1], rows[2], slot / 2, stride, w, b, activation,
               out + (oh - row_begin) * out_width, out_width);
    }
  }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CN_DW3_HAVE_X86 1
#include <immintrin.h>
#include <string.h>

// The x86 twins below do what rows_body does with explicit vectors: the compiler vectorises
// rows_body's loops only in whole vectors and leaves the rest of each row to scalar code — all
// of a 7- or 14-wide row (MobileNet's last stages), 12 of a 28-wide one. These cover a row's
// tail with one masked vector instead (masked loads read zeros past the row, masked stores
// leave the next row alone), keep the activation in registers and, with AVX-512, split stride
// 2's even and odd columns with two permutes per 32 floats.

#define CN_AVX512_TARGET __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma")))

CN_AVX512_TARGET static inline __attribute__((always_inline)) void fill_slot_avx512(
  const float *restrict x, long width, long stride, float *restrict slot)
{
  if (stride == 1) {
    slot[0] = 0.0f;
    memcpy(slot + 1, x, (size_t)width * sizeof(float));
    slot[width + 1] = 0.0f;
    slot[width + 2] = 0.0f;
    return;
  }
  const long half = slot_floats(width) / 2;
  float *restrict even = slot;
  float *restrict odd = slot + half;
  even[0] = 0.0f;
  const long pairs = width / 2;
  const __m512i even_index = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd_index = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  for (long j = 0; j < pairs; j += 16) {
    const long n = pairs - j < 16 ? pairs - j : 16;  // pairs in this step
    const long floats = 2 * n;
    const __mmask16 low = (__mmask16)(floats >= 16 ? 0xFFFF : (1u << floats) - 1);
    const __mmask16 high = (__mmask16)(floats >= 32 ? 0xFFFF : floats <= 16 ? 0 : (1u << (floats - 16)) - 1);
    const __m512 lo = _mm512_maskz_loadu_ps(low, x + 2 * j);
    const __m512 hi = _mm512_maskz_loadu_ps(high, x + 2 * j + 16);
    const __mmask16 keep = (__mmask16)(n >= 16 ? 0xFFFF : (1u << n) - 1);
    _mm512_mask_storeu_ps(odd + j, keep, _mm512_permutex2var_ps(lo, even_index, hi));
    _mm512_mask_storeu_ps(even + j + 1, keep, _mm512_permutex2var_ps(lo, odd_index, hi));
  }
  if (width % 2) {
    odd[pairs] = x[width - 1];
    even[pairs + 1] = 0.0f;
  } else {
    odd[pairs] = 0.0f;
  }
}

CN_AVX512_TARGET static inline __attribute__((always_inline)) void row_avx512(
  const float *r0, const float *r1, const float *r2, long half, long stride, const float *w,
  float bias, int activation, float *out, long out_width)
{
  __m512 t[9];
  for (int i = 0; i < 9; ++i) t[i] = _mm512_set1_ps(w[i]);
  const __m512 b = _mm512_set1_ps(bias);
  // Tap kj of a row reads from column ow + offset[kj] of the slot (stride 2: phase slots).
  const float *p0[3], *p1[3], *p2[3];
  if (stride == 1) {
    for (int kj = 0; kj < 3; ++kj) { p0[kj] = r0 + kj; p1[kj] = r1 + kj; p2[kj] = r2 + kj; }
  } else {
    p0[0] = r0; p0[1] = r0 + half; p0[2] = r0 + 1;
    p1[0] = r1; p1[1] = r1 + half; p1[2] = r1 + 1;
    p2[0] = r2; p2[1] = r2 + half; p2[2] = r2 + 1;
  }
  for (long ow = 0; ow < out_width; ow += 16) {
    const long left = out_width - ow;
    const __mmask16 m = (__mmask16)(left >= 16 ? 0xFFFF : (1u << left) - 1);
    __m512 acc = b;
    acc = _mm512_fmadd_ps(t[0], _mm512_maskz_loadu_ps(m, p0[0] + ow), acc);
    acc = _mm512_fmadd_ps(t[1], _mm512_maskz_loadu_ps(m, p0[1] + ow), acc);
    acc = _mm512_fmadd_ps(t[2], _mm512_maskz_loadu_ps(m, p0[2] + ow), acc);
    acc = _mm512_fmadd_ps(t[3], _mm512_maskz_loadu_ps(m, p1[0] + ow), acc);
    acc = _mm512_fmadd_ps(t[4], _mm512_maskz_loadu_ps(m, p1[1] + ow), acc);
    acc = _mm512_fmadd_ps(t[5], _mm512_maskz_loadu_ps(m, p1[2] + ow), acc);
    acc = _mm512_fmadd_ps(t[6], _mm512_maskz_loadu_ps(m, p2[0] + ow), acc);
    acc = _mm512_fmadd_ps(t[7], _mm512_maskz_loadu_ps(m, p2[1] + ow), acc);
    acc = _mm512_fmadd_ps(t[8], _mm512_maskz_loadu_ps(m, p2[2] + ow), acc);
    _mm512_mask_storeu_ps(out + ow, m, cn_activate16(acc, activation));
  }
}

// Stride 1 at AVX-512 without the ring: the band's output pixels taken as one flat run
// (row after row), 16 at a time, each tap a masked load straight from the input at flat offset
// (ki − 1)·width + kj − 1. A lane whose tap falls in the zero border — left or right column,
// row above the first or below the last — is masked off, so it reads 0 as the padded copy
// held; the sum runs over the same taps in the same order, so the values are the ring's, bit
// for bit. Why: no row copies, and no lanes wasted at the end of each row (a 7-wide row used 7
// of 16 lanes, a 14- or 28-wide one 14 of 16); the weights are broadcast once per channel, not
// once per row. Which lanes sit in the first or last column repeats every width / gcd(width,
// 16) vectors (7 for MobileNet's widths): those masks are worked out once per call (`columns`,
// no_left | no_right << 16 per vector of the period), and vectors clear of the first and last
// rows need only three masks.
CN_AVX512_TARGET static inline __attribute__((always_inline)) void flat_s1_channel(
  const float *x, long origin, long height, long width, const float *w, float bias,
  int activation, long begin, long end, float *out, const uint32_t *columns, long period)
{
  const __m512 t0 = _mm512_set1_ps(w[0]), t1 = _mm512_set1_ps(w[1]), t2 = _mm512_set1_ps(w[2]),
               t3 = _mm512_set1_ps(w[3]), t4 = _mm512_set1_ps(w[4]), t5 = _mm512_set1_ps(w[5]),
               t6 = _mm512_set1_ps(w[6]), t7 = _mm512_set1_ps(w[7]), t8 = _mm512_set1_ps(w[8]);
  const __m512 b = _mm512_set1_ps(bias);
  const long below = (height - 1) * width;  // pixels before it have a row below
  long phase = 0;                           // of the vector in the column-mask period
  for (long p = begin; p < end; p += 16) {
    const long left = end - p;
    const uint32_t tail = left >= 16 ? 0xFFFFu : (1u << left) - 1;
    const uint32_t sides = columns[phase];
    phase = phase + 1 == period ? 0 : phase + 1;
    const __mmask16 ml = (__mmask16)(tail & sides), mc = (__mmask16)tail,
                    mr = (__mmask16)(tail & (sides >> 16));
    const float *r = x + (p - origin);
    __m512 acc = b;
    if (p >= width && p + 16 <= below) {  // every lane has a row above and below
      acc = _mm512_fmadd_ps(t0, _mm512_maskz_loadu_ps(ml, r - width - 1), acc);
      acc = _mm512_fmadd_ps(t1, _mm512_maskz_loadu_ps(mc, r - width), acc);
      acc = _mm512_fmadd_ps(t2, _mm512_maskz_loadu_ps(mr, r - width + 1), acc);
      acc = _mm512_fmadd_ps(t3, _mm512_maskz_loadu_ps(ml, r - 1), acc);
      acc = _mm512_fmadd_ps(t4, _mm512_maskz_loadu_ps(mc, r), acc);
      acc = _mm512_fmadd_ps(t5, _mm512_maskz_loadu_ps(mr, r + 1), acc);
      acc = _mm512_fmadd_ps(t6, _mm512_maskz_loadu_ps(ml, r + width - 1), acc);
      acc = _mm512_fmadd_ps(t7, _mm512_maskz_loadu_ps(mc, r + width), acc);
      acc = _mm512_fmadd_ps(t8, _mm512_maskz_loadu_ps(mr, r + width + 1), acc);
    } else {
      const long above = width - p;  // lanes before it are in row 0 (no row above)
      const uint32_t up = above <= 0 ? 0xFFFFu : above >= 16 ? 0u : (0xFFFFu << above) & 0xFFFFu;
      const long rest = below - p;   // lanes from it on are in the last row (no row below)
      const uint32_t down = rest >= 16 ? 0xFFFFu : rest <= 0 ? 0u : (1u << rest) - 1;
      acc = _mm512_fmadd_ps(t0, _mm512_maskz_loadu_ps((__mmask16)(ml & up), r - width - 1), acc);
      acc = _mm512_fmadd_ps(t1, _mm512_maskz_loadu_ps((__mmask16)(mc & up), r - width), acc);
      acc = _mm512_fmadd_ps(t2, _mm512_maskz_loadu_ps((__mmask16)(mr & up), r - width + 1), acc);
      acc = _mm512_fmadd_ps(t3, _mm512_maskz_loadu_ps(ml, r - 1), acc);
      acc = _mm512_fmadd_ps(t4, _mm512_maskz_loadu_ps(mc, r), acc);
      acc = _mm512_fmadd_ps(t5, _mm512_maskz_loadu_ps(mr, r + 1), acc);
      acc = _mm512_fmadd_ps(t6, _mm512_maskz_loadu_ps((__mmask16)(ml & down), r + width - 1), acc);
      acc = _mm512_fmadd_ps(t7, _mm512_maskz_loadu_ps((__mmask16)(mc & down), r + width), acc);
      acc = _mm512_fmadd_ps(t8, _mm512_maskz_loadu_ps((__mmask16)(mr & down), r + width + 1), acc);
    }
    _mm512_mask_storeu_ps(out + (p - begin), mc, cn_activate16(acc, activation));
  }
}

// All channels of a band, the activation a constant in each copy of the loop.
CN_AVX512_TARGET static inline __attribute__((always_inline)) void flat_s1_with(
  const float *input, long ics, long first, long height, long width, const float *weight,
  const float *bias, int activation, long channels, long row_begin, long row_end,
  float *output, long ocs, const uint32_t *columns, long period)
{
  for (long c = 0; c < channels; ++c)
    flat_s1_channel(input + c * ics, first * width, height, width, weight + 9 * c,
                    bias != NULL ? bias[c] : 0.0f, activation, row_begin * width,
                    row_end * width, output + c * ocs, columns, period);
}

// `scratch`: cn_depthwise3x3_scratch_count(width) floats (the column masks take `width` words
// at most).
CN_AVX512_TARGET static void flat_s1_avx512(
  const float *input, long ics, long first, long height, long width, const float *weight,
  const float *bias, int activation, long channels, long row_begin, long row_end,
  float *output, long ocs, float *scratch)
{
  // Vector j of the run starts at column (16·j) mod width (the run starts at a row's start).
  long period = width;
  for (long a = width, b = 16; b != 0;) { const long t = a % b; a = b; b = t; period = width / a; }
  uint32_t *columns = (uint32_t *)scratch;
  long column = 0;
  for (long j = 0; j < period; ++j) {
    uint32_t no_left = 0xFFFFu, no_right = 0xFFFFu;
    for (long lane = column == 0 ? 0 : width - column; lane < 16; lane += width)
      no_left &= ~(1u << lane);
    for (long lane = width - 1 - column; lane < 16; lane += width) no_right &= ~(1u << lane);
    columns[j] = no_left | no_right << 16;
    column = (column + 16) % width;
  }
  switch (activation) {
  case CN_ACTIVATION_RELU6:
    flat_s1_with(input, ics, first, height, width, weight, bias, CN_ACTIVATION_RELU6, channels,
                 row_begin, row_end, output, ocs, columns, period);
    break;
  case CN_ACTIVATION_RELU:
    flat_s1_with(input, ics, first, height, width, weight, bias, CN_ACTIVATION_RELU, channels,
                 row_begin, row_end, output, ocs, columns, period);
    break;
  default:
    flat_s1_with(input, ics, first, height, width, weight, bias, activation, channels,
                 row_begin, row_end, output, ocs, columns, period);
    break;
  }
}

#define CN_AVX2_TARGET __attribute__((target("avx2,fma")))

CN_AVX2_TARGET static inline __m256 activate8(__m256 x, int activation) {
  const __m256 zero = _mm256_setzero_ps(), six = _mm256_set1_ps(6.0f);
  switch (activation) {
  case CN_ACTIVATION_RELU: return _mm256_max_ps(zero, x);
  case CN_ACTIVATION_RELU6: return _mm256_min_ps(six, _mm256_max_ps(zero, x));
  case CN_ACTIVATION_HARDSWISH: {
    __m256 t = _mm256_add_ps(x, _mm256_set1_ps(3.0f));
    t = _mm256_min_ps(six, _mm256_max_ps(zero, t));
    return _mm256_div_ps(_mm256_mul_ps(x, t), six);
  }
  default: return x;
  }
}

CN_AVX2_TARGET static inline __attribute__((always_inline)) void row_avx2(
  const float *r0, const float *r1, const float *r2, long half, long stride, const float *w,
  float bias, int activation, float *out, long out_width)
{
  __m256 t[9];
  for (int i = 0; i < 9; ++i) t[i] = _mm256_set1_ps(w[i]);
  const __m256 b = _mm256_set1_ps(bias);
  const float *p0[3], *p1[3], *p2[3];
  if (stride == 1) {
    for (int kj = 0; kj < 3; ++kj) { p0[kj] = r0 + kj; p1[kj] = r1 + kj; p2[kj] = r2 + kj; }
  } else {
    p0[0] = r0; p0[1] = r0 + half; p0[2] = r0 + 1;
    p1[0] = r1; p1[1] = r1 + half; p1[2] = r1 + 1;
    p2[0] = r2; p2[1] = r2 + half; p2[2] = r2 + 1;
  }
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  for (long ow = 0; ow < out_width; ow += 8) {
    const long left = out_width - ow;
    // Lane i on when i < left (all on for a whole vector).
    const __m256i m = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(left < 8 ? left : 8)), lanes);
    __m256 acc = b;
    acc = _mm256_fmadd_ps(t[0], _mm256_maskload_ps(p0[0] + ow, m), acc);
    acc = _mm256_fmadd_ps(t[1], _mm256_maskload_ps(p0[1] + ow, m), acc);
    acc = _mm256_fmadd_ps(t[2], _mm256_maskload_ps(p0[2] + ow, m), acc);
    acc = _mm256_fmadd_ps(t[3], _mm256_maskload_ps(p1[0] + ow, m), acc);
    acc = _mm256_fmadd_ps(t[4], _mm256_maskload_ps(p1[1] + ow, m), acc);
    acc = _mm256_fmadd_ps(t[5], _mm256_maskload_ps(p1[2] + ow, m), acc);
    acc = _mm256_fmadd_ps(t[6], _mm256_maskload_ps(p2[0] + ow, m), acc);
    acc = _mm256_fmadd_ps(t[7], _mm256_maskload_ps(p2[1] + ow, m), acc);
    acc = _mm256_fmadd_ps(t[8], _mm256_maskload_ps(p2[2] + ow, m), acc);
    _mm256_maskstore_ps(out + ow, m, activate8(acc, activation));
  }
}

// rows_body's loop over channels and rows with the row kernel and slot filler given.
typedef void (*row_fn)(const float *, const float *, const float *, long, long, const float *,
                       float, int, float *, long);
typedef void (*fill_fn)(const float *, long, long, float *);

static inline __attribute__((always_inline)) void rows_with(
  row_fn row, fill_fn fill, const float *input, long input_channel_stride, long input_first_row,
  long height, long width, long stride, const float *weight, const float *bias, int activation,
  long channels, long row_begin, long row_end, float *output, long output_channel_stride,
  float *scratch)
{
  const long out_width = (width - 1) / stride + 1;
  const long slot = slot_floats(width);
  float *zero = scratch + 3 * slot;
  for (long i = 0; i < slot; ++i) zero[i] = 0.0f;
  for (long c = 0; c < channels; ++c) {
    const float *plane = input + c * input_channel_stride;
    const float b = bias != NULL ? bias[c] : 0.0f;
    float *out = output + c * output_channel_stride;
    long held[3] = {-1, -1, -1};
    for (long oh = row_begin; oh < row_end; ++oh) {
      const float *rows[3];
      for (long ki = 0; ki < 3; ++ki) {
        const long ih = oh * stride - 1 + ki;
        if (ih < 0 || ih >= height) { rows[ki] = zero; continue; }
        float *target = scratch + (ih % 3) * slot;
        if (held[ih % 3] != ih) {
          fill(plane + (ih - input_first_row) * width, width, stride, target);
          held[ih % 3] = ih;
        }
        rows[ki] = target;
      }
      row(rows[0], rows[1], rows[2], slot / 2, stride, weight + 9 * c, b, activation,
          out + (oh - row_begin) * out_width, out_width);
    }
  }
}

CN_AVX2_TARGET static inline __attribute__((always_inline)) void fill_slot_avx2(
  const float *x, long width, long stride, float *slot)
{
  fill_slot(x, width, stride, slot);
}

// The loops built for their instruction set, so that the row kernel and the slot filler inline
// into them and each channel's nine weight broadcasts leave the loop over its rows.
CN_AVX512_TARGET static void rows_avx512(
  const float *input, long ics, long first, long height, long width, long stride,
  const float *weight, const float *bias, int activation, long channels, long row_begin,
  long row_end, float *output, long ocs, float *scratch)
{
  rows_with(row_avx512, fill_slot_avx512, input, ics, first, height, width, stride, weight,
            bias, activation, channels, row_begin, row_end, output, ocs, scratch);
}

CN_AVX2_TARGET static void rows_avx2(
  const float *input, long ics, long first, long height, long width, long stride,
  const float *weight, const float *bias, int activation, long channels, long row_begin,
  long row_end, float *output, long ocs, float *scratch)
{
  rows_with(row_avx2, fill_slot_avx2, input, ics, first, height, width, stride, weight, bias,
            activation, channels, row_begin, row_end, output, ocs, scratch);
}
#endif

void cn_depthwise3x3_rows(
  const float *input, long input_channel_stride, long input_first_row, long height, long width,
  long stride, const float *weight, const float *bias, int activation, long channels,
  long row_begin, long row_end, float *output, long output_channel_stride, float *scratch)
{
#if defined(CN_DW3_HAVE_X86)
  const int level = cn_simd_level();
  if (level >= CN_SIMD_AVX512 && stride == 1) {
    flat_s1_avx512(input, input_channel_stride, input_first_row, height, width, weight, bias,
                   activation, channels, row_begin, row_end, output, output_channel_stride,
                   scratch);
    return;
  }
  if (level >= CN_SIMD_AVX512) {
    rows_avx512(input, input_channel_stride, input_first_row, height, width, stride, weight,
                bias, activation, channels, row_begin, row_end, output, output_channel_stride,
                scratch);
    return;
  }
  if (level >= CN_SIMD_AVX2) {
    rows_avx2(input, input_channel_stride, input_first_row, height, width, stride, weight, bias,
              activation, channels, row_begin, row_end, output, output_channel_stride, scratch);
    return;
  }
#endif
  rows_body(input, input_channel_stride, input_first_row, height, width, stride, weight, bias,
            activation, channels, row_begin, row_end, output, output_channel_stride, scratch);
}
