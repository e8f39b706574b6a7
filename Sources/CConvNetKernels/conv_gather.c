// Convolutions with few input channels and small kernels (LeNet's second layer: 6 → 16
// channels, 5×5, 10×10 output) as register tiles that read the image in place — no im2col
// matrix, no packing of it.
//
// Why: in such layers every im2col element is used by only ~16 multiply-adds, so writing or
// packing the im2col matrix (one pass, ~1 cycle per element) costs about as much as the
// arithmetic. Here the 6×16 tile keeps one output channel block in the vector lanes and reads
// the six "A" values per step by broadcast straight from the image:
//
//   tile[i][j] = Σ_s  row_i[offsets[s]] · b[s][j]        i < 6, j < 16, s < steps
//
// Forward:          row_i = the window origin of output pixel i, offsets = the kernel taps,
//                   b = the weight packed [taps][16 output channels].
// Weight gradient:  row_i = image + offset of kernel tap i, offsets = the window origins of
//                   every pixel of every image in the chunk, b = the output gradient
//                   transposed [pixels][16 output channels]; the tile is dWᵀ[6 taps][16].
//
// Padding is not handled: callers use these kernels only on unpadded geometries.
#include "CConvNetKernels.h"
#include "sgemm_internal.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CN_GATHER_HAVE_AVX2 1
#include <immintrin.h>

#include "avx2_tile.h"
#define CN_AVX2 __attribute__((target("avx2,fma")))
#endif

enum { ROWS = 6, LANES = 16 };

typedef void (*gather_tile_kernel)(
  long steps, const float *const *rows, const long *offsets, const float *b, float *tile);

// tile[6][16] = Σ_s rows[i][offsets[s]] · b[s·16 + j] (overwritten).
static void gather_tile_portable(
  long steps, const float *const *rows, const long *offsets, const float *b, float *tile)
{
  float acc[ROWS][LANES] = {{0}};
  for (long s = 0; s < steps; ++s) {
    const long offset = offsets[s];
    const float *b_row = b + s * LANES;
    for (int i = 0; i < ROWS; ++i) {
      const float a = rows[i][offset];
      for (int j = 0; j < LANES; ++j) acc[i][j] += a * b_row[j];
    }
  }
  for (int i = 0; i < ROWS; ++i) {
    for (int j = 0; j < LANES; ++j) tile[i * LANES + j] = acc[i][j];
  }
}

#if defined(CN_GATHER_HAVE_AVX2)
#define CN_GATHER_ROW(r, c0, c1)                          \
  do {                                                    \
    const __m256 a = _mm256_broadcast_ss((r) + offset);   \
    c0 = _mm256_fmadd_ps(a, b0, c0);                      \
    c1 = _mm256_fmadd_ps(a, b1, c1);                      \
  } while (0)

CN_AVX2 static void gather_tile_avx2(
  long steps, const float *const *rows, const long *offsets, const float *b, float *tile)
{
  const float *r0 = rows[0], *r1 = rows[1], *r2 = rows[2];
  const float *r3 = rows[3], *r4 = rows[4], *r5 = rows[5];
  CN_TILE_ZERO_ACCUMULATORS();
  for (long s = 0; s < steps; ++s) {
    const long offset = offsets[s];
    const __m256 b0 = _mm256_loadu_ps(b);
    const __m256 b1 = _mm256_loadu_ps(b + 8);
    CN_GATHER_ROW(r0, c00, c01);
    CN_GATHER_ROW(r1, c10, c11);
    CN_GATHER_ROW(r2, c20, c21);
    CN_GATHER_ROW(r3, c30, c31);
    CN_GATHER_ROW(r4, c40, c41);
    CN_GATHER_ROW(r5, c50, c51);
    b += LANES;
  }
  CN_TILE_STORE(tile);
}
#endif

static gather_tile_kernel select_kernel(int simd_level) {
#if defined(CN_GATHER_HAVE_AVX2)
  if (simd_level >= 1 && cn_simd_level() >= 1) return gather_tile_avx2;
#endif
  (void)simd_level;
  return gather_tile_portable;
}

static long taps_of(const cn_im2col *g) { return g->channels * g->kernel_h * g->kernel_w; }

// offsets[t] = where kernel tap t (c, ki, kj in im2col row order) reads, relative to a window
// origin.
static void tap_offsets(const cn_im2col *g, long *offsets) {
  long t = 0;
  for (long c = 0; c < g->channels; ++c) {
    for (long ki = 0; ki < g->kernel_h; ++ki) {
      for (long kj = 0; kj < g->kernel_w; ++kj) {
        offsets[t++] = (c * g->height + ki * g->dilation_h) * g->width + kj * g->dilation_w;
      }
    }
  }
}

// Window origin of flattened output position q = image·P + pixel (images g->image_stride apart).
static long window_origin(const cn_im2col *g, long q) {
  const long pixels = g->out_height * g->out_width;
  const long image = q / pixels, pixel = q % pixels;
  const long oh = pixel / g->out_width, ow = pixel % g->out_width;
  return image * g->image_stride + oh * g->stride_h * g->width + ow * g->stride_w;
}

void cn_conv_gather_pack_weight(const float *weight, long out_channels, long taps, float *packed) {
  // The GEMM's B panels of weightᵀ [taps][out_channels]: 16 columns each, zero-padded.
  cn_sgemm_pack_b(1, taps, out_channels, weight, taps, packed);
}

void cn_conv_gather_forward(
  int simd_level, const cn_im2col *g, long out_channels, const float *packed_weight,
  const float *bias, float *output,
  long output_image_stride, long first, long count, long *offsets)
{
  const gather_tile_kernel kernel = select_kernel(simd_level);
  const long taps = taps_of(g), pixels = g->out_height * g->out_width;
  tap_offsets(g, offsets);
  _Alignas(64) float tile[ROWS * LANES];
  for (long q0 = first; q0 < first + count; q0 += ROWS) {
    const long rows = first + count - q0 < ROWS ? first + count - q0 : ROWS;
    const float *row_start[ROWS];
    float *out[ROWS];
    for (long i = 0; i < ROWS; ++i) {
      // A short last tile repeats its last pixel; those rows are computed and dropped.
      const long q = q0 + (i < rows ? i : rows - 1);
      row_start[i] = g->input + window_origin(g, q);
      out[i] = output + q / pixels * output_image_stride + q % pixels;
    }
    for (long block = 0; block * LANES < out_channels; ++block) {
      kernel(taps, row_start, offsets, packed_weight + block * taps * LANES, tile);
      const long lanes = out_channels - block * LANES < LANES ? out_channels - block * LANES : LANES;
      for (long j = 0; j < lanes; ++j) {
        const long o = block * LANES + j;
        const float shift = bias != NULL ? bias[o] : 0.0f;
        for (long i = 0; i < rows; ++i) {
          out[i][o * pixels] = tile[i * LANES + j] + shift;
        }
      }
    }
  }
}

void cn_conv_gather_transpose_gradient(
  const float *grad_output, long out_channels, long pixels, long images, float *transposed)
{
  const long blocks = (out_channels + LANES - 1) / LANES;
  const long rows = images * pixels;
  for (long block = 0; block < blocks; ++block) {
    float *panel = transposed + block * rows * LANES;
    for (long n = 0; n < images; ++n) {
      for (long j = 0; j < LANES; ++j) {
        const long o = block * LANES + j;
        float *target = panel + n * pixels * LANES + j;
        if (o < out_channels) {
          const float *source = grad_output + (n * out_channels + o) * pixels;
          for (long p = 0; p < pixels; ++p) target[p * LANES] = source[p];
        } else {
          for (long p = 0; p < pixels; ++p) target[p * LANES] = 0.0f;
        }
      }
    }
  }
}

void cn_conv_gather_weight_gradient(
  int simd_level, const cn_im2col *g, long images, long out_channels,
  const float *transposed_gradient, int accumulate, float *grad_weight, long *offsets)
{
  const gather_tile_kernel kernel = select_kernel(simd_level);
  const long taps = taps_of(g), pixels = g->out_height * g->out_width;
  const long steps = images * pixels;
  for (long q = 0; q < steps; ++q) offsets[q] = window_origin(g, q);
  long *tap_offset = offsets + steps;
  tap_offsets(g, tap_offset);
  _Alignas(64) float tile[ROWS * LANES];
  for (long t0 = 0; t0 < taps; t0 += ROWS) {
    const long rows = taps - t0 < ROWS ? taps - t0 : ROWS;
    const float *row_start[ROWS];
    for (long i = 0; i < ROWS; ++i) row_start[i] = g->input + tap_offset[t0 + (i < rows ? i : rows - 1)];
    for (long block = 0; block * LANES < out_channels; ++block) {
      kernel(steps, row_start, offsets, transposed_gradient + block * steps * LANES, tile);
      const long lanes = out_channels - block * LANES < LANES ? out_channels - block * LANES : LANES;
      for (long j = 0; j < lanes; ++j) {
        float *target = grad_weight + (block * LANES + j) * taps + t0;
        if (accumulate) {
          for (long i = 0; i < rows; ++i) target[i] += tile[i * LANES + j];
        } else {
          for (long i = 0; i < rows; ++i) target[i] = tile[i * LANES + j];
        }
      }
    }
  }
}
