// One LSTM time step as a single AVX-512 kernel: the step's GEMM with W_hh and the gate epilogue
// fused per register tile (see Sources/ConvNetKernels/RecurrentLSTMFused.swift for the caller).
//
// Why fused rather than a GEMM followed by the epilogue: every gate value of a unit depends only
// on that unit's four gate rows of W_hh, so a tile that holds the accumulators of the four gates
// of 16 units for 6 sequences (24 zmm registers) can apply the nonlinearities and the cell
// update straight from registers. The step then needs no [N, 4H] intermediate, no transposes,
// and only one fork–join per step (threads own disjoint units and write disjoint columns). Each
// thread keeps reading the same units' slice of W_hh step after step, so it stays in its core's
// L2. The backward does the same the other way round: the tile that computes dh of 64 units
// for 6 sequences (dgates·W_hh over the previous step's gate gradients; again 24 accumulators)
// turns it at once into those units' gate gradients and dc.
//
// Units come in vectors of 16 (one zmm); the last one of an H that is not a multiple of 16 is
// handled with masked loads and stores (W_hh is packed with zeros there). A tile of fewer than 6
// sequences repeats its last sequence's row in the unused accumulators and does not store them.
//
// Same maths as the element-wise kernels in recurrent_cells.c (same exp polynomial, tanh by
// e^(−2|x|)), so the levels agree to a few ulp. Compiled for AVX-512 through per-function
// target attributes; callers use it only when cn_simd_level() reports AVX-512.
#include "CConvNetKernels.h"

// Units per block: the forward's (one zmm per gate, four gates per tile) and the backward's
// (four zmm of units per tile, whose depth runs over all four gates).
enum { UNITS = CN_LSTM_FORWARD_UNITS, BACKWARD_UNITS = CN_LSTM_BACKWARD_UNITS, ROWS = 6 };

static long blocks_of(long h, long units) { return (h + units - 1) / units; }

long cn_lstm_packed_hidden_weight_count(long h) {
  return blocks_of(h, BACKWARD_UNITS) * BACKWARD_UNITS * 4 * h;  // ≥ the forward's
}

void cn_lstm_pack_hidden_weight_forward(long h, const float *weight, float *packed) {
  // [block][p < h][gate < 4][16 units]: W_hh[gate·h + unit, p], so one depth step of a tile
  // reads 64 consecutive floats.
  for (long b = 0; b < blocks_of(h, UNITS); ++b) {
    for (long p = 0; p < h; ++p) {
      for (long gate = 0; gate < 4; ++gate) {
        float *out = packed + ((b * h + p) * 4 + gate) * UNITS;
        for (long j = 0; j < UNITS; ++j) {
          const long unit = b * UNITS + j;
          out[j] = unit < h ? weight[(gate * h + unit) * h + p] : 0.0f;
        }
      }
    }
  }
}

void cn_lstm_pack_hidden_weight_backward(long h, const float *weight, float *packed) {
  // [block][row < 4h][64 units]: W_hh[row, unit], the right-hand side of dgates · W_hh.
  for (long b = 0; b < blocks_of(h, BACKWARD_UNITS); ++b) {
    for (long row = 0; row < 4 * h; ++row) {
      float *out = packed + (b * 4 * h + row) * BACKWARD_UNITS;
      for (long j = 0; j < BACKWARD_UNITS; ++j) {
        const long unit = b * BACKWARD_UNITS + j;
        out[j] = unit < h ? weight[row * h + unit] : 0.0f;
      }
    }
  }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define CN_AVX512 __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma")))
#define INLINE static inline __attribute__((always_inline))

// e^x as exp8 in recurrent_cells.c: x = n·ln 2 + r, Cephes' polynomial for e^r, then 2^n by
// scalef. Inputs clamped to [−87.3, 88.3].
CN_AVX512 INLINE __m512 exp16(__m512 x) {
  x = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(-87.3f)), _mm512_set1_ps(88.3f));
  const __m512 n = _mm512_roundscale_ps(
    _mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 p = _mm512_set1_ps(1.9875691500e-4f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
  p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
  return _mm512_scalef_ps(p, n);
}

CN_AVX512 INLINE __m512 sigmoid16(__m512 x) {
  const __m512 one = _mm512_set1_ps(1.0f);
  return _mm512_div_ps(one, _mm512_add_ps(one, exp16(_mm512_sub_ps(_mm512_setzero_ps(), x))));
}

CN_AVX512 INLINE __m512 tanh16(__m512 x) {
  const __m512 sign_mask = _mm512_set1_ps(-0.0f);
  const __m512 magnitude = _mm512_andnot_ps(sign_mask, x);
  const __m512 e = exp16(_mm512_mul_ps(magnitude, _mm512_set1_ps(-2.0f)));
  const __m512 one = _mm512_set1_ps(1.0f);
  const __m512 t = _mm512_div_ps(_mm512_sub_ps(one, e), _mm512_add_ps(one, e));
  return _mm512_or_ps(t, _mm512_and_ps(x, sign_mask));
}

#define LD(mask, p) _mm512_maskz_loadu_ps(mask, p)
#define ST(mask, p, v) _mm512_mask_storeu_ps(p, mask, v)

static __mmask16 block_mask(long h, long first_unit) {
  const long count = h - first_unit;
  return count >= UNITS ? (__mmask16)0xFFFF : (__mmask16)((1u << count) - 1u);
}

static int is_valid(const long *lengths, long t, long n) { return lengths == NULL || t < lengths[n]; }

// acc = the product of 6 rows (a[r][0..<depth]) with a packed panel of 64 columns (w; each depth
// step `step` floats further on): the register tile both step kernels are built on — forward
// h·W_hh for 16 units' four gates, backward dgates·W_hh for 64 units. Depth 0 gives zeros.
CN_AVX512 INLINE void tile_product(
  __m512 acc[ROWS][4], const float *const a[ROWS], const float *w, long depth, long step)
{
  for (int r = 0; r < ROWS; ++r) {
    for (int q = 0; q < 4; ++q) acc[r][q] = _mm512_setzero_ps();
  }
  for (long p = 0; p < depth; ++p) {
    const __m512 w0 = _mm512_loadu_ps(w), w1 = _mm512_loadu_ps(w + 16);
    const __m512 w2 = _mm512_loadu_ps(w + 32), w3 = _mm512_loadu_ps(w + 48);
    for (int r = 0; r < ROWS; ++r) {
      const __m512 x = _mm512_set1_ps(a[r][p]);
      acc[r][0] = _mm512_fmadd_ps(x, w0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(x, w1, acc[r][1]);
      acc[r][2] = _mm512_fmadd_ps(x, w2, acc[r][2]);
      acc[r][3] = _mm512_fmadd_ps(x, w3, acc[r][3]);
    }
    w += step;
  }
}

// Forward epilogue of one sequence and one block of units, from the four gates' hidden-side
// accumulators.
CN_AVX512 INLINE void forward_row(
  const cn_lstm_step *s, long n, long u0, __mmask16 m, __m512 ai, __m512 af, __m512 ag, __m512 ao)
{
  const long h = s->h;
  float *gates = s->gates + n * s->gate_stride + u0;
  const float *hidden = s->hidden + n * h + u0;
  float *cell = s->cell + n * h + u0;
  const __m512 previous_hidden = LD(m, hidden);
  const __m512 previous_cell = LD(m, cell);
  if (s->saved_hidden != NULL) ST(m, s->saved_hidden + n * s->state_stride + u0, previous_hidden);
  if (s->saved_cell != NULL) ST(m, s->saved_cell + n * s->state_stride + u0, previous_cell);
  float *output = s->output + n * s->output_stride + u0;
  if (!is_valid(s->lengths, s->t, n)) {
    const __m512 zero = _mm512_setzero_ps();
    ST(m, output, zero);
    for (long gate = 0; gate < 4; ++gate) ST(m, gates + gate * h, zero);
    ST(m, s->hidden_next + n * h + u0, previous_hidden);
    return;
  }
  const __m512 i = sigmoid16(_mm512_add_ps(ai, LD(m, gates)));
  const __m512 f = sigmoid16(_mm512_add_ps(af, LD(m, gates + h)));
  const __m512 g = tanh16(_mm512_add_ps(ag, LD(m, gates + 2 * h)));
  const __m512 o = sigmoid16(_mm512_add_ps(ao, LD(m, gates + 3 * h)));
  const __m512 c = _mm512_fmadd_ps(f, previous_cell, _mm512_mul_ps(i, g));
  const __m512 y = _mm512_mul_ps(o, tanh16(c));
  ST(m, cell, c);
  ST(m, s->hidden_next + n * h + u0, y);
  ST(m, output, y);
  ST(m, gates, i);
  ST(m, gates + h, f);
  ST(m, gates + 2 * h, g);
  ST(m, gates + 3 * h, o);
}

CN_AVX512 void cn_lstm_step_forward_avx512(const cn_lstm_step *s, long first_block, long end_block) {
  const long h = s->h;
  for (long n0 = 0; n0 < s->batch; n0 += ROWS) {
    const long rows = s->batch - n0 < ROWS ? s->batch - n0 : ROWS;
    const float *a[ROWS];
    for (int r = 0; r < ROWS; ++r) a[r] = s->hidden + (n0 + (r < rows ? r : rows - 1)) * h;
    for (long b = first_block; b < end_block; ++b) {
      __m512 acc[ROWS][4];
      tile_product(acc, a, s->packed_weight + b * h * 4 * UNITS, h, 4 * UNITS);
      const long u0 = b * UNITS;
      const __mmask16 m = block_mask(h, u0);
      for (int r = 0; r < ROWS; ++r) {
        if (r < rows) forward_row(s, n0 + r, u0, m, acc[r][0], acc[r][1], acc[r][2], acc[r][3]);
      }
    }
  }
}

// Backward epilogue of one sequence and one block of units: `through` is what reached dh
// through W_hh from the step processed before (zero for the first).
CN_AVX512 INLINE void backward_row(const cn_lstm_step_gradient *s, long n, long u0, __mmask16 m, __m512 through) {
  const long h = s->h;
  float *dh = s->dh + n * h + u0;
  const __m512 carried = _mm512_add_ps(through, LD(m, dh));
  if (s->d_gates == NULL) {  // after the last step: dh₀
    ST(m, dh, carried);
    return;
  }
  float *d = s->d_gates + n * s->gate_stride + u0;
  if (!is_valid(s->lengths, s->t, n)) {  // dh and dc pass through; the output there is constant
    const __m512 zero = _mm512_setzero_ps();
    for (long gate = 0; gate < 4; ++gate) ST(m, d + gate * h, zero);
    ST(m, dh, carried);
    return;
  }
  const __m512 one = _mm512_set1_ps(1.0f);
  const __m512 total = s->dy != NULL ? _mm512_add_ps(carried, LD(m, s->dy + n * s->output_stride + u0)) : carried;
  const float *gates = s->gates + n * s->gate_stride + u0;
  const __m512 i = LD(m, gates), f = LD(m, gates + h), g = LD(m, gates + 2 * h), o = LD(m, gates + 3 * h);
  const __m512 pc = LD(m, s->previous_cell + n * s->state_stride + u0);
  float *dc = s->dc + n * h + u0;
  const __m512 tc = tanh16(_mm512_fmadd_ps(f, pc, _mm512_mul_ps(i, g)));
  const __m512 dc_total = _mm512_fmadd_ps(_mm512_mul_ps(total, o), _mm512_fnmadd_ps(tc, tc, one), LD(m, dc));
  const __m512 d_i = _mm512_mul_ps(_mm512_mul_ps(dc_total, g), _mm512_mul_ps(i, _mm512_sub_ps(one, i)));
  const __m512 d_f = _mm512_mul_ps(_mm512_mul_ps(dc_total, pc), _mm512_mul_ps(f, _mm512_sub_ps(one, f)));
  const __m512 d_g = _mm512_mul_ps(_mm512_mul_ps(dc_total, i), _mm512_fnmadd_ps(g, g, one));
  const __m512 d_o = _mm512_mul_ps(_mm512_mul_ps(total, tc), _mm512_mul_ps(o, _mm512_sub_ps(one, o)));
  ST(m, d, d_i);
  ST(m, d + h, d_f);
  ST(m, d + 2 * h, d_g);
  ST(m, d + 3 * h, d_o);
  if (s->d_bias != NULL) {  // the bias gradient, while the values are in registers
    float *sums = s->d_bias + u0;
    ST(m, sums, _mm512_add_ps(LD(m, sums), d_i));
    ST(m, sums + h, _mm512_add_ps(LD(m, sums + h), d_f));
    ST(m, sums + 2 * h, _mm512_add_ps(LD(m, sums + 2 * h), d_g));
    ST(m, sums + 3 * h, _mm512_add_ps(LD(m, sums + 3 * h), d_o));
  }
  ST(m, dc, _mm512_mul_ps(dc_total, f));
  ST(m, dh, _mm512_setzero_ps());
}

CN_AVX512 void cn_lstm_step_backward_avx512(const cn_lstm_step_gradient *s, long first_block, long end_block) {
  const long h = s->h;
  const long depth = 4 * h;
  for (long n0 = 0; n0 < s->batch; n0 += ROWS) {
    const long rows = s->batch - n0 < ROWS ? s->batch - n0 : ROWS;
    const float *a[ROWS];
    if (s->d_previous != NULL) {
      for (int r = 0; r < ROWS; ++r) a[r] = s->d_previous + (n0 + (r < rows ? r : rows - 1)) * s->gate_stride;
    }
    for (long b = first_block; b < end_block; ++b) {
      // Without d_previous (the first step processed has none) the product is zero: depth 0.
      __m512 acc[ROWS][4];
      tile_product(acc, a, s->packed_weight + b * depth * BACKWARD_UNITS, s->d_previous != NULL ? depth : 0,
                   BACKWARD_UNITS);
      // Spilled once here: indexing the accumulators by a run-time vector index below would
      // otherwise make the compiler keep them in memory, a store after every FMA.
      _Alignas(64) float through[ROWS][4][UNITS];
      for (int r = 0; r < ROWS; ++r) {
        for (int q = 0; q < 4; ++q) _mm512_store_ps(through[r][q], acc[r][q]);
      }
      for (int q = 0; q < 4; ++q) {
        const long u0 = b * BACKWARD_UNITS + q * UNITS;
        if (u0 >= h) break;
        const __mmask16 m = block_mask(h, u0);
        for (int r = 0; r < ROWS; ++r) {
          if (r < rows) backward_row(s, n0 + r, u0, m, _mm512_load_ps(through[r][q]));
        }
      }
    }
  }
}

#else
#include <stdlib.h>

// Off x86-64 cn_simd_level() never reports AVX-512, so callers never get here.
void cn_lstm_step_forward_avx512(const cn_lstm_step *s, long first_block, long end_block) {
  (void)s, (void)first_block, (void)end_block;
  abort();
}

void cn_lstm_step_backward_avx512(const cn_lstm_step_gradient *s, long first_block, long end_block) {
  (void)s, (void)first_block, (void)end_block;
  abort();
}

#endif
