// The element-wise part of one recurrent step for one sequence (the epilogue after the step's
// GEMM, see Sources/ConvNetKernels/Recurrent.swift): gate nonlinearities and state update in
// the forward pass, their derivatives in the backward pass, for LSTM, GRU and RNN cells.
//
// Every function handles units [0, h) of one sequence; gate blocks are h apart (LSTM i, f, g,
// o; GRU r, z, n). The AVX2 + FMA versions do 8 units per iteration with a vectorised exp
// (Cephes' polynomial, about 1 ulp) and finish the tail with the portable code, which uses
// libm. Compiled for AVX2 through per-function target attributes, chosen at run time.
#include <math.h>

#include "CConvNetKernels.h"

// ── portable ─────────────────────────────────────────────────────────────────────────────────

static float sigmoid1(float x) { return 1.0f / (1.0f + expf(-x)); }

static void lstm_forward_portable(
  long h, long begin, float *gates, const float *hidden_gates, float *cell, float *hidden,
  float *output)
{
  for (long k = begin; k < h; ++k) {
    const float i = sigmoid1(gates[k] + hidden_gates[k]);
    const float f = sigmoid1(gates[h + k] + hidden_gates[h + k]);
    const float g = tanhf(gates[2 * h + k] + hidden_gates[2 * h + k]);
    const float o = sigmoid1(gates[3 * h + k] + hidden_gates[3 * h + k]);
    const float c = f * cell[k] + i * g;
    const float y = o * tanhf(c);
    cell[k] = c;
    hidden[k] = y;
    output[k] = y;
    gates[k] = i;
    gates[h + k] = f;
    gates[2 * h + k] = g;
    gates[3 * h + k] = o;
  }
}

static void gru_forward_portable(
  long h, long begin, float *gates, const float *hidden_gates, float *hidden, float *output)
{
  for (long k = begin; k < h; ++k) {
    const float r = sigmoid1(gates[k] + hidden_gates[k]);
    const float z = sigmoid1(gates[h + k] + hidden_gates[h + k]);
    const float hn = hidden_gates[2 * h + k];
    const float n = tanhf(gates[2 * h + k] + r * hn);
    const float y = (1.0f - z) * n + z * hidden[k];
    hidden[k] = y;
    output[k] = y;
    gates[k] = r;
    gates[h + k] = z;
    gates[2 * h + k] = n;
    gates[3 * h + k] = hn;
  }
}

static void rnn_forward_portable(
  long h, long begin, int relu, float *gates, const float *hidden_gates, float *hidden,
  float *output)
{
  for (long k = begin; k < h; ++k) {
    const float a = gates[k] + hidden_gates[k];
    const float y = relu ? (a > 0.0f ? a : 0.0f) : tanhf(a);
    hidden[k] = y;
    output[k] = y;
    gates[k] = y;
  }
}

static void lstm_backward_portable(
  long h, long begin, const float *gates, const float *previous_cell, const float *dy,
  float *dh, float *dc, float *d_input)
{
  for (long k = begin; k < h; ++k) {
    const float total = dh[k] + (dy ? dy[k] : 0.0f);
    const float i = gates[k], f = gates[h + k], g = gates[2 * h + k], o = gates[3 * h + k];
    const float tc = tanhf(f * previous_cell[k] + i * g);
    const float dc_total = dc[k] + total * o * (1.0f - tc * tc);
    d_input[k] = dc_total * g * i * (1.0f - i);
    d_input[h + k] = dc_total * previous_cell[k] * f * (1.0f - f);
    d_input[2 * h + k] = dc_total * i * (1.0f - g * g);
    d_input[3 * h + k] = total * tc * o * (1.0f - o);
    dc[k] = dc_total * f;
    dh[k] = 0.0f;
  }
}

static void gru_backward_portable(
  long h, long begin, const float *gates, const float *previous_hidden, const float *dy,
  float *dh, float *d_input, float *d_hidden)
{
  for (long k = begin; k < h; ++k) {
    const float total = dh[k] + (dy ? dy[k] : 0.0f);
    const float r = gates[k], z = gates[h + k], n = gates[2 * h + k], hn = gates[3 * h + k];
    const float dn = total * (1.0f - z) * (1.0f - n * n);
    const float dr = dn * hn * r * (1.0f - r);
    const float dz = total * (previous_hidden[k] - n) * z * (1.0f - z);
    d_input[k] = dr;
    d_input[h + k] = dz;
    d_input[2 * h + k] = dn;
    d_hidden[k] = dr;
    d_hidden[h + k] = dz;
    d_hidden[2 * h + k] = dn * r;
    dh[k] = total * z;
  }
}

static void rnn_backward_portable(
  long h, long begin, int relu, const float *gates, const float *dy, float *dh, float *d_input)
{
  for (long k = begin; k < h; ++k) {
    const float total = dh[k] + (dy ? dy[k] : 0.0f);
    const float y = gates[k];
    d_input[k] = relu ? (y > 0.0f ? total : 0.0f) : total * (1.0f - y * y);
    dh[k] = 0.0f;
  }
}

// ── AVX2 + FMA ───────────────────────────────────────────────────────────────────────────────

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CN_RECURRENT_HAVE_AVX2 1
#include <immintrin.h>
#define CN_AVX2 __attribute__((target("avx2,fma")))

// e^x: x = n·ln 2 + r with |r| ≤ ln2/2, e^r by Cephes' degree-6 polynomial, 2^n through the
// exponent bits. Inputs are clamped to [−87.3, 88.3] (the float range).
CN_AVX2 static inline __m256 exp8(__m256 x) {
  x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.3f)), _mm256_set1_ps(88.3f));
  const __m256 n = _mm256_round_ps(
    _mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
  __m256 p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
  p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
  const __m256i scale = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(p, _mm256_castsi256_ps(scale));
}

CN_AVX2 static inline __m256 sigmoid8(__m256 x) {
  const __m256 one = _mm256_set1_ps(1.0f);
  return _mm256_div_ps(one, _mm256_add_ps(one, exp8(_mm256_sub_ps(_mm256_setzero_ps(), x))));
}

// tanh x = sign(x)·(1 − e)/(1 + e) with e = e^(−2|x|): no overflow, absolute error ~1e-7.
CN_AVX2 static inline __m256 tanh8(__m256 x) {
  const __m256 sign_mask = _mm256_set1_ps(-0.0f);
  const __m256 magnitude = _mm256_andnot_ps(sign_mask, x);
  const __m256 e = exp8(_mm256_mul_ps(magnitude, _mm256_set1_ps(-2.0f)));
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 t = _mm256_div_ps(_mm256_sub_ps(one, e), _mm256_add_ps(one, e));
  return _mm256_or_ps(t, _mm256_and_ps(x, sign_mask));
}

#define LD(p) _mm256_loadu_ps(p)
#define ST(p, v) _mm256_storeu_ps(p, v)

CN_AVX2 static long lstm_forward_avx2(
  long h, float *gates, const float *hidden_gates, float *cell, float *hidden, float *output)
{
  long k = 0;
  for (; k + 8 <= h; k += 8) {
    const __m256 i = sigmoid8(_mm256_add_ps(LD(gates + k), LD(hidden_gates + k)));
    const __m256 f = sigmoid8(_mm256_add_ps(LD(gates + h + k), LD(hidden_gates + h + k)));
    const __m256 g = tanh8(_mm256_add_ps(LD(gates + 2 * h + k), LD(hidden_gates + 2 * h + k)));
    const __m256 o = sigmoid8(_mm256_add_ps(LD(gates + 3 * h + k), LD(hidden_gates + 3 * h + k)));
    const __m256 c = _mm256_fmadd_ps(f, LD(cell + k), _mm256_mul_ps(i, g));
    const __m256 y = _mm256_mul_ps(o, tanh8(c));
    ST(cell + k, c);
    ST(hidden + k, y);
    ST(output + k, y);
    ST(gates + k, i);
    ST(gates + h + k, f);
    ST(gates + 2 * h + k, g);
    ST(gates + 3 * h + k, o);
  }
  return k;
}

CN_AVX2 static long gru_forward_avx2(
  long h, float *gates, const float *hidden_gates, float *hidden, float *output)
{
  long k = 0;
  const __m256 one = _mm256_set1_ps(1.0f);
  for (; k + 8 <= h; k += 8) {
    const __m256 r = sigmoid8(_mm256_add_ps(LD(gates + k), LD(hidden_gates + k)));
    const __m256 z = sigmoid8(_mm256_add_ps(LD(gates + h + k), LD(hidden_gates + h + k)));
    const __m256 hn = LD(hidden_gates + 2 * h + k);
    const __m256 n = tanh8(_mm256_fmadd_ps(r, hn, LD(gates + 2 * h + k)));
    const __m256 y = _mm256_fmadd_ps(_mm256_sub_ps(one, z), n, _mm256_mul_ps(z, LD(hidden + k)));
    ST(hidden + k, y);
    ST(output + k, y);
    ST(gates + k, r);
    ST(gates + h + k, z);
    ST(gates + 2 * h + k, n);
    ST(gates + 3 * h + k, hn);
  }
  return k;
}

CN_AVX2 static long rnn_forward_avx2(
  long h, int relu, float *gates, const float *hidden_gates, float *hidden, float *output)
{
  long k = 0;
  for (; k + 8 <= h; k += 8) {
    const __m256 a = _mm256_add_ps(LD(gates + k), LD(hidden_gates + k));
    const __m256 y = relu ? _mm256_max_ps(a, _mm256_setzero_ps()) : tanh8(a);
    ST(hidden + k, y);
    ST(output + k, y);
    ST(gates + k, y);
  }
  return k;
}

CN_AVX2 static long lstm_backward_avx2(
  long h, const float *gates, const float *previous_cell, const float *dy, float *dh, float *dc,
  float *d_input)
{
  long k = 0;
  const __m256 one = _mm256_set1_ps(1.0f);
  for (; k + 8 <= h; k += 8) {
    const __m256 total = dy ? _mm256_add_ps(LD(dh + k), LD(dy + k)) : LD(dh + k);
    const __m256 i = LD(gates + k), f = LD(gates + h + k);
    const __m256 g = LD(gates + 2 * h + k), o = LD(gates + 3 * h + k);
    const __m256 pc = LD(previous_cell + k);
    const __m256 tc = tanh8(_mm256_fmadd_ps(f, pc, _mm256_mul_ps(i, g)));
    const __m256 dc_total =
      _mm256_fmadd_ps(_mm256_mul_ps(total, o), _mm256_fnmadd_ps(tc, tc, one), LD(dc + k));
    ST(d_input + k, _mm256_mul_ps(_mm256_mul_ps(dc_total, g), _mm256_mul_ps(i, _mm256_sub_ps(one, i))));
    ST(d_input + h + k, _mm256_mul_ps(_mm256_mul_ps(dc_total, pc), _mm256_mul_ps(f, _mm256_sub_ps(one, f))));
    ST(d_input + 2 * h + k, _mm256_mul_ps(_mm256_mul_ps(dc_total, i), _mm256_fnmadd_ps(g, g, one)));
    ST(d_input + 3 * h + k, _mm256_mul_ps(_mm256_mul_ps(total, tc), _mm256_mul_ps(o, _mm256_sub_ps(one, o))));
    ST(dc + k, _mm256_mul_ps(dc_total, f));
    ST(dh + k, _mm256_setzero_ps());
  }
  return k;
}

CN_AVX2 static long gru_backward_avx2(
  long h, const float *gates, const float *previous_hidden, const float *dy, float *dh,
  float *d_input, float *d_hidden)
{
  long k = 0;
  const __m256 one = _mm256_set1_ps(1.0f);
  for (; k + 8 <= h; k += 8) {
    const __m256 total = dy ? _mm256_add_ps(LD(dh + k), LD(dy + k)) : LD(dh + k);
    const __m256 r = LD(gates + k), z = LD(gates + h + k);
    const __m256 n = LD(gates + 2 * h + k), hn = LD(gates + 3 * h + k);
    const __m256 dn = _mm256_mul_ps(_mm256_mul_ps(total, _mm256_sub_ps(one, z)), _mm256_fnmadd_ps(n, n, one));
    const __m256 dr = _mm256_mul_ps(_mm256_mul_ps(dn, hn), _mm256_mul_ps(r, _mm256_sub_ps(one, r)));
    const __m256 dz = _mm256_mul_ps(
      _mm256_mul_ps(total, _mm256_sub_ps(LD(previous_hidden + k), n)), _mm256_mul_ps(z, _mm256_sub_ps(one, z)));
    ST(d_input + k, dr);
    ST(d_input + h + k, dz);
    ST(d_input + 2 * h + k, dn);
    ST(d_hidden + k, dr);
    ST(d_hidden + h + k, dz);
    ST(d_hidden + 2 * h + k, _mm256_mul_ps(dn, r));
    ST(dh + k, _mm256_mul_ps(total, z));
  }
  return k;
}

CN_AVX2 static long rnn_backward_avx2(
  long h, int relu, const float *gates, const float *dy, float *dh, float *d_input)
{
  long k = 0;
  const __m256 one = _mm256_set1_ps(1.0f);
  for (; k + 8 <= h; k += 8) {
    const __m256 total = dy ? _mm256_add_ps(LD(dh + k), LD(dy + k)) : LD(dh + k);
    const __m256 y = LD(gates + k);
    const __m256 d = relu
      ? _mm256_and_ps(total, _mm256_cmp_ps(y, _mm256_setzero_ps(), _CMP_GT_OQ))
      : _mm256_mul_ps(total, _mm256_fnmadd_ps(y, y, one));
    ST(d_input + k, d);
    ST(dh + k, _mm256_setzero_ps());
  }
  return k;
}
#endif

// ── dispatch ─────────────────────────────────────────────────────────────────────────────────

#if defined(CN_RECURRENT_HAVE_AVX2)
#define FAST(simd_level) ((simd_level) >= 1 && cn_simd_level() >= 1)
#else
#define FAST(simd_level) 0
#endif

void cn_lstm_step_forward(
  int simd_level, long h, float *gates, const float *hidden_gates, float *cell, float *hidden,
  float *output)
{
  long done = 0;
#if defined(CN_RECURRENT_HAVE_AVX2)
  if (FAST(simd_level)) done = lstm_forward_avx2(h, gates, hidden_gates, cell, hidden, output);
#endif
  lstm_forward_portable(h, done, gates, hidden_gates, cell, hidden, output);
}

void cn_gru_step_forward(
  int simd_level, long h, float *gates, const float *hidden_gates, float *hidden, float *output)
{
  long done = 0;
#if defined(CN_RECURRENT_HAVE_AVX2)
  if (FAST(simd_level)) done = gru_forward_avx2(h, gates, hidden_gates, hidden, output);
#endif
  gru_forward_portable(h, done, gates, hidden_gates, hidden, output);
}

void cn_rnn_step_forward(
  int simd_level, long h, int relu, float *gates, const float *hidden_gates, float *hidden,
  float *output)
{
  long done = 0;
#if defined(CN_RECURRENT_HAVE_AVX2)
  if (FAST(simd_level)) done = rnn_forward_avx2(h, relu, gates, hidden_gates, hidden, output);
#endif
  rnn_forward_portable(h, done, relu, gates, hidden_gates, hidden, output);
}

void cn_lstm_step_backward(
  int simd_level, long h, const float *gates, const float *previous_cell, const float *dy,
  float *dh, float *dc, float *d_input)
{
  long done = 0;
#if defined(CN_RECURRENT_HAVE_AVX2)
  if (FAST(simd_level)) done = lstm_backward_avx2(h, gates, previous_cell, dy, dh, dc, d_input);
#endif
  lstm_backward_portable(h, done, gates, previous_cell, dy, dh, dc, d_input);
}

void cn_gru_step_backward(
  int simd_level, long h, const float *gates, const float *previous_hidden, const float *dy,
  float *dh, float *d_input, float *d_hidden)
{
  long done = 0;
#if defined(CN_RECURRENT_HAVE_AVX2)
  if (FAST(simd_level)) done = gru_backward_avx2(h, gates, previous_hidden, dy, dh, d_input, d_hidden);
#endif
  gru_backward_portable(h, done, gates, previous_hidden, dy, dh, d_input, d_hidden);
}

void cn_rnn_step_backward(
  int simd_level, long h, int relu, const float *gates, const float *dy, float *dh, float *d_input)
{
  long done = 0;
#if defined(CN_RECURRENT_HAVE_AVX2)
  if (FAST(simd_level)) done = rnn_backward_avx2(h, relu, gates, dy, dh, d_input);
#endif
  rnn_backward_portable(h, done, relu, gates, dy, dh, d_input);
}
