// Stride-1 convolutions with few output channels (LeNet's first layer: 1 → 6 channels, 5×5 on
// 28×28) as register tiles of 6 output channels × 16 consecutive output pixels of one row,
// whose "B" rows are read straight from the (zero-padded) image: at stride 1, tap t of 16
// consecutive pixels is 16 consecutive input floats, image + origin + offsets[t].
//
//   tile[i][j] = Σ_t weight[o0 + i][t] · image[origin + offsets[t] + j]     i < 6, j < 16
//
// Why: with at most 6 output channels every im2col element is used by one register tile only,
// so writing the im2col matrix (what the GEMM path does) costs as much as the arithmetic; here
// nothing is written but the output. Padding is the caller's: it passes a padded copy.
#include "CConvNetKernels.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CN_ROWS_HAVE_AVX2 1
#include <immintrin.h>

#include "avx2_tile.h"
#define CN_AVX2 __attribute__((target("avx2,fma")))
#endif

enum { ROWS = 6, LANES = 16 };

typedef void (*rows_tile_kernel)(
  long steps, const float *a, const float *base, const long *offsets, float *tile);

// tile[6][16] = Σ_s a[s·6 + i] · base[offsets[s] + j] (overwritten).
static void rows_tile_portable(
  long steps, const float *a, const float *base, const long *offsets, float *tile)
{
  float acc[ROWS][LANES] = {{0}};
  for (long s = 0; s < steps; ++s) {
    const float *b = base + offsets[s];
    for (int i = 0; i < ROWS; ++i) {
      const float weight = a[s * ROWS + i];
      for (int j = 0; j < LANES; ++j) acc[i][j] += weight * b[j];
    }
  }
  for (int i = 0; i < ROWS; ++i) {
    for (int j = 0; j < LANES; ++j) tile[i * LANES + j] = acc[i][j];
  }
}

#if defined(CN_ROWS_HAVE_AVX2)
CN_AVX2 static void rows_tile_avx2(
  long steps, const float *a, const float *base, const long *offsets, float *tile)
{
  CN_TILE_ZERO_ACCUMULATORS();
  for (long s = 0; s < steps; ++s) {
    const float *b = base + offsets[s];
    const __m256 b0 = _mm256_loadu_ps(b);
    const __m256 b1 = _mm256_loadu_ps(b + 8);
    CN_TILE_RANK1_UPDATE(a);
    a += ROWS;
  }
  CN_TILE_STORE(tile);
}
#endif

static rows_tile_kernel select_kernel(int simd_level) {
#if defined(CN_ROWS_HAVE_AVX2)
  if (simd_level >= 1 && cn_simd_level() >= 1) return rows_tile_avx2;
#endif
  (void)simd_level;
  return rows_tile_portable;
}

void cn_conv_rows_forward(
  int simd_level, const cn_im2col *g, long out_channels, const float *packed_weight,
  const float *bias, float *output, long *offsets)
{
  const rows_tile_kernel kernel = select_kernel(simd_level);
  const long taps = g->channels * g->kernel_h * g->kernel_w;
  const long pixels = g->out_height * g->out_width;
  long t = 0;
  for (long c = 0; c < g->channels; ++c) {
    for (long ki = 0; ki < g->kernel_h; ++ki) {
      for (long kj = 0; kj < g->kernel_w; ++kj) {
        offsets[t++] = (c * g->height + ki * g->dilation_h) * g->width + kj * g->dilation_w;
      }
    }
  }
  _Alignas(64) float tile[ROWS * LANES];
  for (long block = 0; block * ROWS < out_channels; ++block) {
    const float *a = packed_weight + block * taps * ROWS;
    const long rows = out_channels - block * ROWS < ROWS ? out_channels - block * ROWS : ROWS;
    for (long oh = 0; oh < g->out_height; ++oh) {
      for (long x0 = 0; x0 < g->out_width; x0 += LANES) {
        const long columns = g->out_width - x0 < LANES ? g->out_width - x0 : LANES;
        kernel(taps, a, g->input + oh * g->width + x0, offsets, tile);
        for (long i = 0; i < rows; ++i) {
          const float shift = bias != NULL ? bias[block * ROWS + i] : 0.0f;
          float *out = output + (block * ROWS + i) * pixels + oh * g->out_width + x0;
          for (long j = 0; j < columns; ++j) out[j] = tile[i * LANES + j] + shift;
        }
      }
    }
  }
}
