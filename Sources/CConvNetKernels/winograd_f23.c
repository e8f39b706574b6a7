// Winograd F(2×2, 3×3) transforms for 3×3, stride-1, undilated convolutions (Lavin & Gray,
// "Fast Algorithms for Convolutional Neural Networks", 2015).
//
// Each 2×2 output tile is computed from a 4×4 input tile d as  Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A,
// so the 36 multiplies per tile and channel pair become 16; summed over input channels the
// element-wise products turn into 16 independent GEMMs  M[ξ] = U[ξ] · V[ξ]  (ξ = one of the 16
// positions of the 4×4 transformed tile), done by the caller with cn_sgemm. All transform
// coefficients are 0, ±1 or ±½, so rounding stays close to that of a direct convolution.
//
//   Bᵀ = | 1  0 −1  0 |     G = | 1    0    0  |     Aᵀ = | 1  1  1  0 |
//        | 0  1  1  0 |         | ½    ½    ½  |          | 0  1 −1 −1 |
//        | 0 −1  1  0 |         | ½   −½    ½  |
//        | 0  1  0 −1 |         | 0    0    1  |
//
// Layouts: U is [16][OC][C], V is [16][C][T] and M is [16][OC][T] for a block of T tiles,
// tile j of the block being tile (tile_begin + j) of the whole batch, numbered image by image
// and row-major inside an image (tiles_h × tiles_w per image, tile (ty, tx) covering output rows
// 2ty, 2ty+1 and columns 2tx, 2tx+1). Plain C: the transforms cost ~1/OC of the GEMMs.
#include "CConvNetKernels.h"

void cn_winograd_f23_weights(
  const float *weight, long out_channels, long in_channels, int flip, float *u)
{
  const long plane = out_channels * in_channels;
  for (long o = 0; o < out_channels; ++o) {
    for (long c = 0; c < in_channels; ++c) {
      // g = weight[o][c] (3×3), or for flip the 180°-rotated weight[c][o] of a tensor whose
      // first axis is `in_channels` (the adjoint convolution of the backward pass).
      float g[3][3];
      const float *w = flip ? weight + (c * out_channels + o) * 9 : weight + (o * in_channels + c) * 9;
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) g[i][j] = flip ? w[(2 - i) * 3 + (2 - j)] : w[i * 3 + j];
      // t = G g (4×3), then u = t Gᵀ (4×4).
      float t[4][3];
      for (int j = 0; j < 3; ++j) {
        t[0][j] = g[0][j];
        t[1][j] = 0.5f * (g[0][j] + g[1][j] + g[2][j]);
        t[2][j] = 0.5f * (g[0][j] - g[1][j] + g[2][j]);
        t[3][j] = g[2][j];
      }
      float *target = u + o * in_channels + c;
      for (int i = 0; i < 4; ++i) {
        target[(i * 4 + 0) * plane] = t[i][0];
        target[(i * 4 + 1) * plane] = 0.5f * (t[i][0] + t[i][1] + t[i][2]);
        target[(i * 4 + 2) * plane] = 0.5f * (t[i][0] - t[i][1] + t[i][2]);
        target[(i * 4 + 3) * plane] = t[i][2];
      }
    }
  }
}

// The block's tiles are walked as runs of consecutive tiles in one tile row of one image, so
// the inner loops step through memory with a fixed stride (2 floats per tile on the image side,
// 1 on the V/M side) and the compiler can vectorise them; channels are the outer loop so that
// each of the 16 V or M rows being written is contiguous.
typedef struct {
  long first;   // index of the run's first tile inside the block
  long count;   // tiles in the run
  long n;       // image
  long row;     // first output row of the tiles (2·ty)
  long column;  // first output column of the first tile (2·tx)
} tile_run_t;

// The next run starting at block tile `j`.
static tile_run_t tile_run(
  long tile_begin, long j, long tile_count, long tiles_h, long tiles_w)
{
  const long tile = tile_begin + j;
  const long inside = tile % (tiles_h * tiles_w);
  const long tx = inside % tiles_w;
  tile_run_t run;
  run.first = j;
  run.count = tiles_w - tx < tile_count - j ? tiles_w - tx : tile_count - j;
  run.n = tile / (tiles_h * tiles_w);
  run.row = 2 * (inside / tiles_w);
  run.column = 2 * tx;
  return run;
}

// v = Bᵀ d B for the 4×4 patch d, written to the 16 ξ rows at `target` (ξ rows `plane` apart).
#define CN_WINOGRAD_INPUT_TILE(d, target, plane)                                   \
  do {                                                                             \
    float t_[4][4];                                                                \
    for (int k_ = 0; k_ < 4; ++k_) {                                               \
      t_[0][k_] = d[0][k_] - d[2][k_];                                             \
      t_[1][k_] = d[1][k_] + d[2][k_];                                             \
      t_[2][k_] = d[2][k_] - d[1][k_];                                             \
      t_[3][k_] = d[1][k_] - d[3][k_];                                             \
    }                                                                              \
    for (int i_ = 0; i_ < 4; ++i_) {                                               \
      (target)[(i_ * 4 + 0) * (plane)] = t_[i_][0] - t_[i_][2];                    \
      (target)[(i_ * 4 + 1) * (plane)] = t_[i_][1] + t_[i_][2];                    \
      (target)[(i_ * 4 + 2) * (plane)] = t_[i_][2] - t_[i_][1];                    \
      (target)[(i_ * 4 + 3) * (plane)] = t_[i_][1] - t_[i_][3];                    \
    }                                                                              \
  } while (0)

// The body of cn_winograd_f23_input, inlined into a portable and an AVX2 + FMA copy.
static inline __attribute__((always_inline)) void winograd_input(
  const float *restrict input, long channels, long height, long width, long pad_top,
  long pad_left, long tiles_h, long tiles_w, long tile_begin, long tile_count, float *restrict v)
{
  const long plane = channels * tile_count;  // floats between two ξ matrices of V
  for (long j = 0; j < tile_count;) {
    const tile_run_t run = tile_run(tile_begin, j, tile_count, tiles_h, tiles_w);
    j += run.count;
    const long row0 = run.row - pad_top;
    const int rows_inside = row0 >= 0 && row0 + 4 <= height;
    // Tiles [lo, hi) of the run read only columns inside the image: column0 = column − pad_left
    // + 2·i ≥ 0 and column0 + 4 ≤ width.
    const long column0 = run.column - pad_left;
    long lo = column0 >= 0 ? 0 : (-column0 + 1) / 2;
    long hi = (width - 4 - column0) >= 0 ? (width - 4 - column0) / 2 + 1 : 0;
    if (hi > run.count) hi = run.count;
    if (lo > hi || !rows_inside) lo = hi = 0;
    const float *image = input + run.n * channels * height * width;
    for (long c = 0; c < channels; ++c) {
      const float *x = image + c * height * width;
      float *target = v + c * tile_count + run.first;
      for (long i = 0; i < run.count; ++i) {
        if (i == lo && hi > lo) {  // the interior stretch: no bounds checks, vectorisable
          const float *r0 = x + row0 * width + column0, *r1 = r0 + width;
          const float *r2 = r1 + width, *r3 = r2 + width;
          for (long q = lo; q < hi; ++q) {
            const long s = 2 * q;
            const float d[4][4] = {
              {r0[s], r0[s + 1], r0[s + 2], r0[s + 3]},
              {r1[s], r1[s + 1], r1[s + 2], r1[s + 3]},
              {r2[s], r2[s + 1], r2[s + 2], r2[s + 3]},
              {r3[s], r3[s + 1], r3[s + 2], r3[s + 3]},
            };
            CN_WINOGRAD_INPUT_TILE(d, target + q, plane);
          }
          i = hi - 1;
          continue;
        }
        // Border tile: pixels outside the image are the zero padding (or unused tails).
        float d[4][4];
        for (int a = 0; a < 4; ++a) {
          const long r = row0 + a;
          for (int b = 0; b < 4; ++b) {
            const long col = column0 + 2 * i + b;
            d[a][b] = (r >= 0 && r < height && col >= 0 && col < width) ? x[r * width + col] : 0.0f;
          }
        }
        CN_WINOGRAD_INPUT_TILE(d, target + i, plane);
      }
    }
  }
}

// y = Aᵀ s A + b for the 4×4 tile s read from the 16 ξ rows at `source` (`plane` apart).
#define CN_WINOGRAD_OUTPUT_TILE(source, plane, b, y00, y01, y10, y11)                \
  do {                                                                             \
    float r_[2][4];                                                                \
    for (int k_ = 0; k_ < 4; ++k_) {                                               \
      const float s0_ = (source)[(0 * 4 + k_) * (plane)];                          \
      const float s1_ = (source)[(1 * 4 + k_) * (plane)];                          \
      const float s2_ = (source)[(2 * 4 + k_) * (plane)];                          \
      const float s3_ = (source)[(3 * 4 + k_) * (plane)];                          \
      r_[0][k_] = s0_ + s1_ + s2_;                                                 \
      r_[1][k_] = s1_ - s2_ - s3_;                                                 \
    }                                                                              \
    y00 = r_[0][0] + r_[0][1] + r_[0][2] + (b);                                    \
    y01 = r_[0][1] - r_[0][2] - r_[0][3] + (b);                                    \
    y10 = r_[1][0] + r_[1][1] + r_[1][2] + (b);                                    \
    y11 = r_[1][1] - r_[1][2] - r_[1][3] + (b);                                    \
  } while (0)

// The body of cn_winograd_f23_output, inlined into a portable and an AVX2 + FMA copy.
static inline __attribute__((always_inline)) void winograd_output(
  const float *restrict m, long channels, long out_height, long out_width, long tiles_h,
  long tiles_w, long tile_begin, long tile_count, const float *restrict bias, int relu,
  float *restrict output)
{
  const long plane = channels * tile_count;
  for (long j = 0; j < tile_count;) {
    const tile_run_t run = tile_run(tile_begin, j, tile_count, tiles_h, tiles_w);
    j += run.count;
    const long rows = out_height - run.row < 2 ? 1 : 2;  // tail row of an odd-sized output
    // Tiles [0, full) have both output columns inside; a last tile may have only one.
    long full = (out_width - run.column) / 2;
    if (full > run.count) full = run.count;
    float *image = output + run.n * channels * out_height * out_width;
    for (long o = 0; o < channels; ++o) {
      const float *source = m + o * tile_count + run.first;
      const float b = bias ? bias[o] : 0.0f;
      float *y = image + (o * out_height + run.row) * out_width + run.column;
      // Tiles whose 2×2 pixels all lie inside: no checks, so the loop vectorises.
      const long clean = rows == 2 ? full : 0;
      for (long i = 0; i < clean; ++i) {
        float y00, y01, y10, y11;
        CN_WINOGRAD_OUTPUT_TILE(source + i, plane, b, y00, y01, y10, y11);
        if (relu) {
          y00 = y00 < 0.0f ? 0.0f : y00;
          y01 = y01 < 0.0f ? 0.0f : y01;
          y10 = y10 < 0.0f ? 0.0f : y10;
          y11 = y11 < 0.0f ? 0.0f : y11;
        }
        y[2 * i] = y00;
        y[2 * i + 1] = y01;
        y[out_width + 2 * i] = y10;
        y[out_width + 2 * i + 1] = y11;
      }
      for (long i = clean; i < run.count; ++i) {  // clipped tiles at the bottom/right edge
        float out[2][2];
        CN_WINOGRAD_OUTPUT_TILE(source + i, plane, b, out[0][0], out[0][1], out[1][0], out[1][1]);
        for (long a = 0; a < rows; ++a) {
          for (long c = 0; c < (i < full ? 2 : 1); ++c) {
            const float value = out[a][c];
            y[a * out_width + 2 * i + c] = relu && value < 0.0f ? 0.0f : value;
          }
        }
      }
    }
  }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CN_WINOGRAD_HAVE_AVX2 1
__attribute__((target("avx2,fma"))) static void winograd_input_avx2(
  const float *input, long channels, long height, long width, long pad_top, long pad_left,
  long tiles_h, long tiles_w, long tile_begin, long tile_count, float *v)
{
  winograd_input(
    input, channels, height, width, pad_top, pad_left, tiles_h, tiles_w, tile_begin, tile_count,
    v);
}

__attribute__((target("avx2,fma"))) static void winograd_output_avx2(
  const float *m, long channels, long out_height, long out_width, long tiles_h, long tiles_w,
  long tile_begin, long tile_count, const float *bias, int relu, float *output)
{
  winograd_output(
    m, channels, out_height, out_width, tiles_h, tiles_w, tile_begin, tile_count, bias, relu,
    output);
}
#endif

void cn_winograd_f23_input(
  const float *input, long channels, long height, long width, long pad_top, long pad_left,
  long tiles_h, long tiles_w, long tile_begin, long tile_count, float *v)
{
#if defined(CN_WINOGRAD_HAVE_AVX2)
  if (cn_simd_level() >= 1) {
    winograd_input_avx2(
      input, channels, height, width, pad_top, pad_left, tiles_h, tiles_w, tile_begin,
      tile_count, v);
    return;
  }
#endif
  winograd_input(
    input, channels, height, width, pad_top, pad_left, tiles_h, tiles_w, tile_begin, tile_count,
    v);
}

void cn_winograd_f23_output(
  const float *m, long channels, long out_height, long out_width, long tiles_h, long tiles_w,
  long tile_begin, long tile_count, const float *bias, int relu, float *output)
{
#if defined(CN_WINOGRAD_HAVE_AVX2)
  if (cn_simd_level() >= 1) {
    winograd_output_avx2(
      m, channels, out_height, out_width, tiles_h, tiles_w, tile_begin, tile_count, bias, relu,
      output);
    return;
  }
#endif
  winograd_output(
    m, channels, out_height, out_width, tiles_h, tiles_w, tile_begin, tile_count, bias, relu,
    output);
}
