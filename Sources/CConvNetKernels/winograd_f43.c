// Winograd F(4×4, 3×3) transforms for 3×3, stride-1, undilated convolutions whose weight is
// transformed once and kept (prepared inference). Lavin & Gray, "Fast Algorithms for
// Convolutional Neural Networks", 2015, with the interpolation points 0, ±1, ±2, ∞.
//
// Each 4×4 output tile is computed from a 6×6 input tile d as  Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A:
// 36 multiplies per tile and channel pair instead of 144 (F(2×2, 3×3): 64 for the same 16
// pixels). Summed over input channels the element-wise products are 36 independent GEMMs
// M[ξ] = U[ξ] · V[ξ], which the caller runs with cn_sgemm_packed.
//
//   Bᵀ = | 4  0 −5  0  1  0 |   G = |  1/4    0     0   |   Aᵀ = | 1  1  1  1  1  0 |
//        | 0 −4 −4  1  1  0 |       | −1/6  −1/6  −1/6  |        | 0  1 −1  2 −2  0 |
//        | 0  4 −4 −1  1  0 |       | −1/6   1/6  −1/6  |        | 0  1  1  4  4  0 |
//        | 0 −2 −1  2  1  0 |       |  1/24  1/12  1/6  |        | 0  1 −1  8 −8  1 |
//        | 0  2 −1 −2  1  0 |       |  1/24 −1/12  1/6  |
//        | 0  4  0 −5  0  1 |       |  0     0     1    |
//
// The larger coefficients (up to 8 and 1/24) cost accuracy against F(2×2, 3×3): in float32 the
// error is 1–2e-6 of Σ |x|·|w| at a pixel (WinogradF43Tests bounds it at 1e-5 of that sum), so
// it is used for inference only; training keeps F(2×2, 3×3).
//
// Layouts: U is 36 matrices [OC][C] in the GEMM's packed-A layout, V 36 matrices [C][T] in its
// packed-B layout (panels of 16 columns over all C: the GEMMs read V in place, no packing pass)
// and M is [36][OC][T], for a block of T columns, one column per tile. Tiles and pieces as in
// winograd_f23.c (cn_winograd_tiling): each phase of a tile's six input columns is gathered
// into its own array (phase j of tile q = input column 4q + j), so both transforms are
// element-wise loops over the block's columns that the compiler vectorises.
#include "CConvNetKernels.h"
#include "epilogue.h"
#include "winograd_dispatch.h"

// r = Bᵀ d for six values (one column or row of a 6×6 tile).
#define CN_F43_BT(d0, d1, d2, d3, d4, d5, r0, r1, r2, r3, r4, r5) \
  do {                                                            \
    const float a_ = (d4) - 4.0f * (d2), b_ = 4.0f * (d1) - (d3); \
    const float c_ = (d4) - (d2), e_ = 2.0f * ((d1) - (d3));      \
    (r0) = 4.0f * (d0) - 5.0f * (d2) + (d4);                      \
    (r1) = a_ - b_;                                               \
    (r2) = a_ + b_;                                               \
    (r3) = c_ - e_;                                               \
    (r4) = c_ + e_;                                               \
    (r5) = 4.0f * (d1) - 5.0f * (d3) + (d5);                      \
  } while (0)

// y = Aᵀ m for six values.
#define CN_F43_AT(m0, m1, m2, m3, m4, m5, y0, y1, y2, y3)          \
  do {                                                             \
    const float p_ = (m1) + (m2), q_ = (m1) - (m2);                \
    const float s_ = (m3) + (m4), t_ = (m3) - (m4);                \
    (y0) = (m0) + p_ + s_;                                         \
    (y1) = q_ + 2.0f * t_;                                         \
    (y2) = p_ + 4.0f * s_;                                         \
    (y3) = q_ + 8.0f * t_ + (m5);                                  \
  } while (0)

void cn_winograd_f43_weights(
  const float *weight, long out_channels, long in_channels, long first_panel, long panel_count,
  float *packed)
{
  enum { MR = CN_SGEMM_MR };
  const long panels = (out_channels + MR - 1) / MR;
  const long plane = panels * MR * in_channels;  // floats of one packed U[ξ]
  for (long panel = first_panel; panel < first_panel + panel_count; ++panel) {
    for (long c = 0; c < in_channels; ++c) {
      float target_values[36][MR];
      for (int i = 0; i < MR; ++i) {
        const long o = panel * MR + i;
        float g[9];
        for (int k = 0; k < 9; ++k) g[k] = o < out_channels ? weight[(o * in_channels + c) * 9 + k] : 0.0f;
        // t = G g (6×3), in double so that the 1/6 and 1/24 round once, at the end.
        double t[6][3];
        for (int j = 0; j < 3; ++j) {
          const double g0 = g[j], g1 = g[3 + j], g2 = g[6 + j];
          t[0][j] = g0 / 4.0;
          t[1][j] = -(g0 + g1 + g2) / 6.0;
          t[2][j] = -(g0 - g1 + g2) / 6.0;
          t[3][j] = g0 / 24.0 + g1 / 12.0 + g2 / 6.0;
          t[4][j] = g0 / 24.0 - g1 / 12.0 + g2 / 6.0;
          t[5][j] = g2;
        }
        // u = t Gᵀ (6×6).
        for (int r = 0; r < 6; ++r) {
          const double t0 = t[r][0], t1 = t[r][1], t2 = t[r][2];
          target_values[r * 6 + 0][i] = (float)(t0 / 4.0);
          target_values[r * 6 + 1][i] = (float)(-(t0 + t1 + t2) / 6.0);
          target_values[r * 6 + 2][i] = (float)(-(t0 - t1 + t2) / 6.0);
          target_values[r * 6 + 3][i] = (float)(t0 / 24.0 + t1 / 12.0 + t2 / 6.0);
          target_values[r * 6 + 4][i] = (float)(t0 / 24.0 - t1 / 12.0 + t2 / 6.0);
          target_values[r * 6 + 5][i] = (float)t2;
        }
      }
      cn_winograd_store_panel(&target_values[0][0], 36, panel, in_channels, c, plane, packed);
    }
  }
}

cn_winograd_tiling cn_winograd_f43_tiling(long out_height, long out_width)
{
  return cn_winograd_tiling_of((out_height + 3) / 4, (out_width + 3) / 4);
}

long cn_winograd_f43_columns(const cn_winograd_tiling *t, long first_piece, long piece_count)
{
  return cn_winograd_columns_of(t, first_piece, piece_count);
}

// One work row: the block's columns rounded up to whole 16-float vectors.
static inline long work_stride(long columns) { return ((columns + 15) & ~15L) + 16; }

long cn_winograd_f43_work_count(long columns)
{
  return 72 * work_stride(columns);
}

// r_i = Σ_a Bᵀ[i][a] d_a over n columns: six arrays in, six out (rows of restrict pointers so
// that the compiler vectorises without overlap checks).
static inline __attribute__((always_inline)) void transform_bt(
  const float *restrict d0, const float *restrict d1, const float *restrict d2,
  const float *restrict d3, const float *restrict d4, const float *restrict d5,
  float *restrict r0, float *restrict r1, float *restrict r2, float *restrict r3,
  float *restrict r4, float *restrict r5, long n)
{
  for (long q = 0; q < n; ++q) {
    CN_F43_BT(d0[q], d1[q], d2[q], d3[q], d4[q], d5[q], r0[q], r1[q], r2[q], r3[q], r4[q], r5[q]);
  }
}

// The body of cn_winograd_f43_input (see winograd_dispatch.h).
static inline __attribute__((always_inline)) void winograd_input(
  const float *restrict input, long channels, long first_channel, long channel_count,
  long height, long width, long pad_top, long pad_left, const cn_winograd_tiling *t,
  long first_piece, long piece_count, long columns, float *restrict v, float *restrict work)
{
  const long span = (columns + 15) & ~15L;  // whole vectors over zero-filled tails
  const long plane = channels * span;  // floats between two ξ matrices of V
  const long stride = work_stride(columns);
  // d[a][j]: input row a of the tiles, phase j; e[i][j] = (Bᵀ d)[i][j].
  float *restrict d = work, *restrict e = work + 36 * stride;
  for (int a = 0; a < 72; ++a)
    for (long k = columns; k < stride; ++k) work[a * stride + k] = 0.0f;
  for (long c = first_channel; c < first_channel + channel_count; ++c) {
    long base = 0;
    for (long i = 0; i < piece_count; ++i) {
      const cn_winograd_piece p = cn_winograd_piece_at(t, first_piece + i);
      const float *x = input + ((p.n * channels + c) * height) * width;
      for (int a = 0; a < 6; ++a) {
        const long r = 4 * p.ty - pad_top + a;
        float *row = d + a * 6 * stride + base;
        cn_winograd_gather_row(
          r >= 0 && r < height ? x + r * width : 0, width, 4 * p.tx - pad_left, p.count, 4, 6,
          row, row + stride, row + 2 * stride, row + 3 * stride, row + 4 * stride,
          row + 5 * stride);
      }
      base += p.count;
    }
    // Down the tile's rows: e[·][j] = Bᵀ d[·][j].
    for (int j = 0; j < 6; ++j) {
      const float *col = d + j * stride;
      float *out = e + j * stride;
      const long s6 = 6 * stride;
      transform_bt(col, col + s6, col + 2 * s6, col + 3 * s6, col + 4 * s6, col + 5 * s6, out,
        out + s6, out + 2 * s6, out + 3 * s6, out + 4 * s6, out + 5 * s6, span);
    }
    // Across: V[6i + k] = Σ_j e[i][j] B[j][k] = (Bᵀ e[i][·])[k], written 16 columns at a time
    // into the GEMM's packed-B panels (the zero tails of e fill the last panel's spare lanes).
    for (int i = 0; i < 6; ++i) {
      for (long q = 0; q < span; q += 16) {
        const float *row = e + i * 6 * stride + q;
        float *target = v + 6 * i * plane + q * channels + c * 16;
        transform_bt(row, row + stride, row + 2 * stride, row + 3 * stride, row + 4 * stride,
          row + 5 * stride, target, target + plane, target + 2 * plane, target + 3 * plane,
          target + 4 * plane, target + 5 * plane, 16);
      }
    }
  }
}

// y = Aᵀ s A + b (then ReLU) for n tiles whose 36 transformed values are s[ξ·plane + q]; pixel
// (r, k) of tile q goes to y[(4r + k)·stride + q].
static inline __attribute__((always_inline)) void output_tiles(
  const float *restrict s, long plane, long n, float b, int relu, float *restrict y,
  float *restrict w, long stride)
{
  // w[r][k] = Σ_i Aᵀ[r][i] s[i][k]: four rows of six columns.
  for (int k = 0; k < 6; ++k) {
    const float *restrict s0 = s + k * plane, *restrict s1 = s + (6 + k) * plane;
    const float *restrict s2 = s + (12 + k) * plane, *restrict s3 = s + (18 + k) * plane;
    const float *restrict s4 = s + (24 + k) * plane, *restrict s5 = s + (30 + k) * plane;
    float *restrict w0 = w + k * stride, *restrict w1 = w + (6 + k) * stride;
    float *restrict w2 = w + (12 + k) * stride, *restrict w3 = w + (18 + k) * stride;
    for (long q = 0; q < n; ++q) {
      CN_F43_AT(s0[q], s1[q], s2[q], s3[q], s4[q], s5[q], w0[q], w1[q], w2[q], w3[q]);
    }
  }
  // y[r][·] = Aᵀ w[r][·] + b.
  for (int r = 0; r < 4; ++r) {
    const float *restrict w0 = w + 6 * r * stride, *restrict w1 = w0 + stride;
    const float *restrict w2 = w0 + 2 * stride, *restrict w3 = w0 + 3 * stride;
    const float *restrict w4 = w0 + 4 * stride, *restrict w5 = w0 + 5 * stride;
    float *restrict y0 = y + 4 * r * stride, *restrict y1 = y0 + stride;
    float *restrict y2 = y0 + 2 * stride, *restrict y3 = y0 + 3 * stride;
    for (long q = 0; q < n; ++q) {
      float a0, a1, a2, a3;
      CN_F43_AT(w0[q], w1[q], w2[q], w3[q], w4[q], w5[q], a0, a1, a2, a3);
      a0 += b;
      a1 += b;
      a2 += b;
      a3 += b;
      if (relu) {
        a0 = a0 < 0.0f ? 0.0f : a0;
        a1 = a1 < 0.0f ? 0.0f : a1;
        a2 = a2 < 0.0f ? 0.0f : a2;
        a3 = a3 < 0.0f ? 0.0f : a3;
      }
      y0[q] = a0;
      y1[q] = a1;
      y2[q] = a2;
      y3[q] = a3;
    }
  }
}

// out[4q + k] = y_k[q] for q < full, then the first `tail` pixels of tile `full`.
static inline __attribute__((always_inline)) void interleave_row(
  const float *restrict y0, const float *restrict y1, const float *restrict y2,
  const float *restrict y3, long full, long tail, float *restrict out)
{
  for (long q = 0; q < full; ++q) {
    out[4 * q] = y0[q];
    out[4 * q + 1] = y1[q];
    out[4 * q + 2] = y2[q];
    out[4 * q + 3] = y3[q];
  }
  const float *ys[4] = {y0, y1, y2, y3};
  for (long k = 0; k < tail; ++k) out[4 * full + k] = ys[k][full];
}

// The body of cn_winograd_f43_output (see winograd_dispatch.h).
static inline __attribute__((always_inline)) void winograd_output(
  const float *restrict m, long channels, long first_channel, long channel_count,
  long out_height, long out_width, const cn_winograd_tiling *t, long first_piece,
  long piece_count, long columns, const float *restrict bias, int activation,
  float *restrict output, float *restrict work, const float *restrict residual)
{
  // ReLU alone is applied per tile; a residual or another activation after the interleave.
  const int tile_relu = activation == CN_ACTIVATION_RELU && residual == NULL;
  const int row_activation = tile_relu ? CN_ACTIVATION_NONE : activation;
  const long plane = channels * columns;
  const long stride = work_stride(columns);
  float *restrict y = work, *restrict w = work + 16 * stride;  // [16][stride], [24][stride]
  for (long o = first_channel; o < first_channel + channel_count; ++o) {
    const float b = bias ? bias[o] : 0.0f;
    output_tiles(m + o * columns, plane, columns, b, tile_relu, y, w, stride);
    long base = 0;
    for (long i = 0; i < piece_count; ++i) {
      const cn_winograd_piece p = cn_winograd_piece_at(t, first_piece + i);
      const long row = 4 * p.ty, column = 4 * p.tx;
      const long rows = out_height - row < 4 ? out_height - row : 4;
      long full = (out_width - column) / 4;  // tiles with all four columns inside
      if (full > p.count) full = p.count;
      const long tail = full < p.count ? out_width - column - 4 * full : 0;
      const long written = 4 * full + tail;
      float *image = output + ((p.n * channels + o) * out_height + row) * out_width + column;
      for (long r = 0; r < rows; ++r) {
        const float *yr = y + 4 * r * stride + base;
        float *out = image + r * out_width;
        interleave_row(yr, yr + stride, yr + 2 * stride, yr + 3 * stride, full, tail, out);
        if (residual != NULL) cn_add_row(out, residual + (out - output), written);
        cn_activate_row(out, written, row_activation);
      }
      base += p.count;
    }
  }
}

CN_WINOGRAD_DISPATCH(
  cn_winograd_f43_input, winograd_input, CN_WINOGRAD_INPUT_PARAMETERS, CN_WINOGRAD_INPUT_ARGUMENTS)
CN_WINOGRAD_DISPATCH(
  cn_winograd_f43_output, winograd_output, CN_WINOGRAD_OUTPUT_PARAMETERS,
  CN_WINOGRAD_OUTPUT_ARGUMENTS)
