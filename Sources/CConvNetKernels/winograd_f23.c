// Winograd F(2×2, 3×3) transforms for 3×3, stride-1, undilated convolutions (Lavin & Gray,
// "Fast Algorithms for Convolutional Neural Networks", 2015).
//
// Each 2×2 output tile is computed from a 4×4 input tile d as  Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A,
// so the 36 multiplies per tile and channel pair become 16; summed over input channels the
// element-wise products turn into 16 independent GEMMs  M[ξ] = U[ξ] · V[ξ]  (ξ = one of the 16
// positions of the 4×4 transformed tile), done by the caller with cn_sgemm_packed. All transform
// coefficients are 0, ±1 or ±½, so rounding stays close to that of a direct convolution.
//
//   Bᵀ = | 1  0 −1  0 |     G = | 1    0    0  |     Aᵀ = | 1  1  1  0 |
//        | 0  1  1  0 |         | ½    ½    ½  |          | 0  1 −1 −1 |
//        | 0 −1  1  0 |         | ½   −½    ½  |
//        | 0  1  0 −1 |         | 0    0    1  |
//
// Layouts: U is 16 matrices [OC][C] in the GEMM's packed-A layout (cn_sgemm_pack_a_panels),
// V is [16][C][T] and M is [16][OC][T] for a block of T columns.
// Tile (ty, tx) covers output rows 2ty, 2ty+1 and columns 2tx, 2tx+1. Each tile row of each
// image is cut into `pieces_per_row` pieces of at most `piece_tiles` consecutive tiles; pieces
// are numbered image by image, row by row. A block is a run of consecutive pieces, one column
// of V and M per tile. The input transform gathers each input row under a piece into four
// phase arrays (phase j of tile q = column 2q + j of the tile's window), so that both passes of
// Bᵀ d B are element-wise loops over contiguous arrays that the compiler vectorises, instead of
// 16 strided loads and stores per tile (which compiled to scalar code and took half of a small
// ResNet's training step).
#include "CConvNetKernels.h"
#include "epilogue.h"
#include "winograd_dispatch.h"

void cn_winograd_f23_weights(
  const float *weight, long out_channels, long in_channels, int flip, long first_panel,
  long panel_count, float *packed)
{
  enum { MR = CN_SGEMM_MR };
  const long panels = (out_channels + MR - 1) / MR;
  const long plane = panels * MR * in_channels;  // floats of one packed U[ξ]
  for (long panel = first_panel; panel < first_panel + panel_count; ++panel) {
    for (long c = 0; c < in_channels; ++c) {
      // g[k][i] = tap k of the 3×3 kernel of output channel panel·MR + i (0 past the last),
      // for flip the 180°-rotated weight[c][o] of a tensor whose first axis is `in_channels`
      // (the adjoint convolution of the backward pass).
      float g[9][MR];
      for (int i = 0; i < MR; ++i) {
        const long o = panel * MR + i;
        const float *w = flip ? weight + (c * out_channels + o) * 9 : weight + (o * in_channels + c) * 9;
        for (int k = 0; k < 9; ++k) g[k][i] = o < out_channels ? w[flip ? 8 - k : k] : 0.0f;
      }
      // t = G g (4×3), then u = t Gᵀ (4×4), each for the MR channels of the panel at once.
      float t[4][3][MR], u[16][MR];
      for (int j = 0; j < 3; ++j) {
        for (int i = 0; i < MR; ++i) {
          const float g0 = g[j][i], g1 = g[3 + j][i], g2 = g[6 + j][i];
          t[0][j][i] = g0;
          t[1][j][i] = 0.5f * (g0 + g1 + g2);
          t[2][j][i] = 0.5f * (g0 - g1 + g2);
          t[3][j][i] = g2;
        }
      }
      for (int r = 0; r < 4; ++r) {
        for (int i = 0; i < MR; ++i) {
          const float t0 = t[r][0][i], t1 = t[r][1][i], t2 = t[r][2][i];
          u[r * 4 + 0][i] = t0;
          u[r * 4 + 1][i] = 0.5f * (t0 + t1 + t2);
          u[r * 4 + 2][i] = 0.5f * (t0 - t1 + t2);
          u[r * 4 + 3][i] = t2;
        }
      }
      cn_winograd_store_panel(&u[0][0], 16, panel, in_channels, c, plane, packed);
    }
  }
}

cn_winograd_tiling cn_winograd_f23_tiling(long out_height, long out_width)
{
  return cn_winograd_tiling_of((out_height + 1) / 2, (out_width + 1) / 2);
}

long cn_winograd_f23_columns(const cn_winograd_tiling *t, long first_piece, long piece_count)
{
  return cn_winograd_columns_of(t, first_piece, piece_count);
}

long cn_winograd_f23_work_count(long columns)
{
  return 32 * (columns + 16);
}

// Rounds up to a multiple of 8 floats (one AVX2 vector), so that the vector loops below run
// whole vectors over zero-filled padding instead of a scalar remainder.
static inline long round8(long x) { return (x + 7) & ~7L; }

// r = Bᵀ d over n columns of four arrays (a function whose restrict parameters tell the
// compiler that the arrays do not overlap: restrict on local pointers was not enough for it to
// vectorise without run-time overlap checks, which it then gave up on).
static inline __attribute__((always_inline)) void transform_bt(
  const float *restrict d0, const float *restrict d1, const float *restrict d2,
  const float *restrict d3, float *restrict r0, float *restrict r1, float *restrict r2,
  float *restrict r3, long n)
{
  for (long q = 0; q < n; ++q) {
    r0[q] = d0[q] - d2[q];
    r1[q] = d1[q] + d2[q];
    r2[q] = d2[q] - d1[q];
    r3[q] = d1[q] - d3[q];
  }
}

// The body of cn_winograd_f23_input (see winograd_dispatch.h).
static inline __attribute__((always_inline)) void winograd_input(
  const float *restrict input, long channels, long first_channel, long channel_count,
  long height, long width, long pad_top, long pad_left, const cn_winograd_tiling *t,
  long first_piece, long piece_count, long columns, float *restrict v, float *restrict work)
{
  const long plane = channels * columns;  // floats between two ξ matrices of V
  const long stride = round8(columns) + 8;  // one work row
  const long span = round8(columns);  // whole vectors over zero-filled tails
  // d[4a + j]: input row a of the tiles, phase j; e[4i + j] = (Bᵀ d)[i][j].
  float *restrict d = work, *restrict e = work + 16 * stride;
  for (int a = 0; a < 32; ++a)
    for (long k = columns; k < stride; ++k) work[a * stride + k] = 0.0f;
  for (long c = first_channel; c < first_channel + channel_count; ++c) {
    long base = 0;
    for (long i = 0; i < piece_count; ++i) {
      const cn_winograd_piece p = cn_winograd_piece_at(t, first_piece + i);
      const float *x = input + ((p.n * channels + c) * height) * width;
      for (int a = 0; a < 4; ++a) {
        const long r = 2 * p.ty - pad_top + a;
        float *row = d + a * 4 * stride + base;
        cn_winograd_gather_row(r >= 0 && r < height ? x + r * width : 0, width,
          2 * p.tx - pad_left, p.count, 2, 4, row, row + stride, row + 2 * stride,
          row + 3 * stride, NULL, NULL);
      }
      base += p.count;
    }
    // Down the tile's rows: e[·][j] = Bᵀ d[·][j].
    const long s4 = 4 * stride;
    for (int j = 0; j < 4; ++j) {
      const float *col = d + j * stride;
      float *out = e + j * stride;
      transform_bt(col, col + s4, col + 2 * s4, col + 3 * s4, out, out + s4, out + 2 * s4,
        out + 3 * s4, span);
    }
    // Across: V[4i + k] = Σ_j e[i][j] B[j][k] = (Bᵀ e[i][·])[k].
    for (int i = 0; i < 4; ++i) {
      const float *row = e + i * s4;
      float *target = v + 4 * i * plane + c * columns;
      transform_bt(row, row + stride, row + 2 * stride, row + 3 * stride, target,
        target + plane, target + 2 * plane, target + 3 * plane, columns);
    }
  }
}

// y = Aᵀ s A + b (then ReLU) for n tiles whose 16 transformed values are s[ξ·plane + q]; the
// tile's four pixels go to y00[q], y01[q] (top row) and y10[q], y11[q] (bottom row).
static inline __attribute__((always_inline)) void output_tiles(
  const float *restrict s, long plane, long n, float b, int relu, float *restrict y00,
  float *restrict y01, float *restrict y10, float *restrict y11)
{
  for (long q = 0; q < n; ++q) {
    float r0[4], r1[4];
    for (int k = 0; k < 4; ++k) {
      r0[k] = s[k * plane + q] + s[(4 + k) * plane + q] + s[(8 + k) * plane + q];
      r1[k] = s[(4 + k) * plane + q] - s[(8 + k) * plane + q] - s[(12 + k) * plane + q];
    }
    float a00 = r0[0] + r0[1] + r0[2] + b, a01 = r0[1] - r0[2] - r0[3] + b;
    float a10 = r1[0] + r1[1] + r1[2] + b, a11 = r1[1] - r1[2] - r1[3] + b;
    if (relu) {
      a00 = a00 < 0.0f ? 0.0f : a00;
      a01 = a01 < 0.0f ? 0.0f : a01;
      a10 = a10 < 0.0f ? 0.0f : a10;
      a11 = a11 < 0.0f ? 0.0f : a11;
    }
    y00[q] = a00;
    y01[q] = a01;
    y10[q] = a10;
    y11[q] = a11;
  }
}

// The body of cn_winograd_f23_output (see winograd_dispatch.h).
static inline __attribute__((always_inline)) void winograd_output(
  const float *restrict m, long channels, long first_channel, long channel_count,
  long out_height, long out_width, const cn_winograd_tiling *t, long first_piece,
  long piece_count, long columns, const float *restrict bias, int relu, float *restrict output,
  float *restrict work, const float *restrict residual)
{
  // ReLU alone is applied per tile; a residual or another activation after the interleave.
  const int tile_relu = relu == CN_ACTIVATION_RELU && residual == NULL;
  const int row_activation = tile_relu ? CN_ACTIVATION_NONE : relu;
  const long plane = channels * columns;
  const long stride = round8(columns) + 8;
  float *restrict y00 = work, *restrict y01 = work + stride;
  float *restrict y10 = work + 2 * stride, *restrict y11 = work + 3 * stride;
  for (long o = first_channel; o < first_channel + channel_count; ++o) {
    // y = Aᵀ s A + b over all columns of the block at once.
    const float b = bias ? bias[o] : 0.0f;
    output_tiles(m + o * columns, plane, columns, b, tile_relu, y00, y01, y10, y11);
    // Interleave each piece's two tile columns back into its two output rows (clipped at an
    // odd-sized output's last row and column).
    long base = 0;
    for (long i = 0; i < piece_count; ++i) {
      const cn_winograd_piece p = cn_winograd_piece_at(t, first_piece + i);
      const long row = 2 * p.ty, column = 2 * p.tx;
      const long rows = out_height - row < 2 ? 1 : 2;
      long full = (out_width - column) / 2;  // tiles with both columns inside
      if (full > p.count) full = p.count;
      float *image = output + ((p.n * channels + o) * out_height + row) * out_width + column;
      for (long a = 0; a < rows; ++a) {
        const float *restrict left = (a == 0 ? y00 : y10) + base;
        const float *restrict right = (a == 0 ? y01 : y11) + base;
        float *restrict out = image + a * out_width;
        for (long q = 0; q < full; ++q) {
          out[2 * q] = left[q];
          out[2 * q + 1] = right[q];
        }
        if (full < p.count) out[2 * full] = left[full];  // the last tile of an odd width
        const long written = full < p.count ? 2 * full + 1 : 2 * full;
        if (residual != NULL) {
          cn_add_row(out, residual + (out - output), written);
        }
        cn_activate_row(out, written, row_activation);
      }
      base += p.count;
    }
  }
}

CN_WINOGRAD_DISPATCH(
  cn_winograd_f23_input, winograd_input, CN_WINOGRAD_INPUT_PARAMETERS, CN_WINOGRAD_INPUT_ARGUMENTS)
CN_WINOGRAD_DISPATCH(
  cn_winograd_f23_output, winograd_output, CN_WINOGRAD_OUTPUT_PARAMETERS,
  CN_WINOGRAD_OUTPUT_ARGUMENTS)
