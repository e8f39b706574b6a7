// Packs B panels for the GEMM straight from an image, as if from its im2col matrix — so a
// convolution never writes that matrix (K·P floats per image, often more than L2) and never
// reads it back to pack it.
//
// Every element of the im2col matrix is the sum of two "points": a kernel tap (c, ki, kj),
// which moves the read by (ki·dilation_h, kj·dilation_w) within channel c, and an output pixel
// (oh, ow), whose window starts at (oh·stride_h − pad_top, ow·stride_w − pad_left). Element
// (tap, pixel) reads input[tap.offset + pixel.offset] when tap.y + pixel.y and tap.x + pixel.x
// lie inside the image, else it is 0. The forward pass packs panels of 16 pixels over a run of
// taps; the weight gradient (im2colᵀ) packs panels of 16 taps over a run of pixels — the same
// loop with the roles swapped (plus, there, an 8×8 register transpose for eight pixels of one
// output row at stride 1). (A packer that walked each tap's row output row by output row,
// like im2col, measured slower on LeNet's 10-pixel rows: the cuts at panel boundaries cost
// more than the per-point offsets.)
#include <string.h>

#include "sgemm_internal.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define CN_PACK_HAVE_AVX2 1
// Sixteen floats at stride 2 (source[0], source[2], …, source[30]) into target: four loads and
// two shuffles per eight instead of sixteen scalar loads (stride-2 convolutions, e.g. ResNet's
// downsampling 3×3). Reads source[0 … 31].
__attribute__((target("avx2"))) static void copy_stride2_avx2(const float *source, float *target) {
  for (int half = 0; half < 2; ++half, source += 16, target += 8) {
    const __m256 low = _mm256_loadu_ps(source), high = _mm256_loadu_ps(source + 8);
    // Per 128-bit lane: [l0 l2 h0 h2 | l4 l6 h4 h6]; then the 64-bit pairs reordered.
    const __m256 evens = _mm256_shuffle_ps(low, high, _MM_SHUFFLE(2, 0, 2, 0));
    const __m256d ordered = _mm256_permute4x64_pd(_mm256_castps_pd(evens), _MM_SHUFFLE(3, 1, 2, 0));
    _mm256_storeu_ps(target, _mm256_castpd_ps(ordered));
  }
}

// Eight consecutive pixels of one output row (stride 1) × the panel's 16 taps, for the weight
// gradient's im2colᵀ: per half panel, tap t's eight pixels are one unaligned load at
// source + offsets[t]; an 8×8 transpose in registers turns them into each pixel's eight taps,
// stored to its row of the panel (row i at target + i·16). Replaces 128 gathered loads.
__attribute__((target("avx2"))) static void transpose_taps_avx2(
  const float *source, const long *offsets, float *target)
{
  for (int half = 0; half < 2; ++half) {
    const long *o = offsets + 8 * half;
    const __m256 r0 = _mm256_loadu_ps(source + o[0]), r1 = _mm256_loadu_ps(source + o[1]);
    const __m256 r2 = _mm256_loadu_ps(source + o[2]), r3 = _mm256_loadu_ps(source + o[3]);
    const __m256 r4 = _mm256_loadu_ps(source + o[4]), r5 = _mm256_loadu_ps(source + o[5]);
    const __m256 r6 = _mm256_loadu_ps(source + o[6]), r7 = _mm256_loadu_ps(source + o[7]);
    const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
    const __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
    const __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
    const __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
    const __m256 u0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0));
    const __m256 u1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
    const __m256 u2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0));
    const __m256 u3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
    const __m256 u4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0));
    const __m256 u5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
    const __m256 u6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0));
    const __m256 u7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
    float *out = target + 8 * half;
    _mm256_storeu_ps(out + 0 * CN_SGEMM_NR, _mm256_permute2f128_ps(u0, u4, 0x20));
    _mm256_storeu_ps(out + 1 * CN_SGEMM_NR, _mm256_permute2f128_ps(u1, u5, 0x20));
    _mm256_storeu_ps(out + 2 * CN_SGEMM_NR, _mm256_permute2f128_ps(u2, u6, 0x20));
    _mm256_storeu_ps(out + 3 * CN_SGEMM_NR, _mm256_permute2f128_ps(u3, u7, 0x20));
    _mm256_storeu_ps(out + 4 * CN_SGEMM_NR, _mm256_permute2f128_ps(u0, u4, 0x31));
    _mm256_storeu_ps(out + 5 * CN_SGEMM_NR, _mm256_permute2f128_ps(u1, u5, 0x31));
    _mm256_storeu_ps(out + 6 * CN_SGEMM_NR, _mm256_permute2f128_ps(u2, u6, 0x31));
    _mm256_storeu_ps(out + 7 * CN_SGEMM_NR, _mm256_permute2f128_ps(u3, u7, 0x31));
  }
}
#endif

enum { NR = CN_SGEMM_NR };

typedef struct {
  long y, x;     // row/column displacement (tap) or window origin (pixel)
  long offset;   // y·width + x, plus c·height·width for a tap
} point_t;

// The taps first ..< first + count, in im2col row order (kj fastest, then ki, then c).
static void tap_points(const cn_im2col *g, long first, long count, point_t *points) {
  const long taps = g->kernel_h * g->kernel_w;
  long channel = first / taps, ki = first % taps / g->kernel_w, kj = first % g->kernel_w;
  for (long t = 0; t < count; ++t) {
    const long y = ki * g->dilation_h, x = kj * g->dilation_w;
    points[t] = (point_t){y, x, channel * g->height * g->width + y * g->width + x};
    if (++kj == g->kernel_w) {
      kj = 0;
      if (++ki == g->kernel_h) {
        ki = 0;
        ++channel;
      }
    }
  }
}

// The output pixels first ..< first + count, in row-major order; past the last pixel of an
// image they continue with the next image, image_stride floats on.
static void pixel_points(const cn_im2col *g, long first, long count, point_t *points) {
  const long pixels = g->out_height * g->out_width;
  long image = first / pixels;
  long oh = first % pixels / g->out_width, ow = first % g->out_width;
  for (long t = 0; t < count; ++t) {
    const long y = oh * g->stride_h - g->pad_top, x = ow * g->stride_w - g->pad_left;
    points[t] = (point_t){y, x, image * g->image_stride + y * g->width + x};
    if (++ow == g->out_width) {
      ow = 0;
      if (++oh == g->out_height) {
        oh = 0;
        ++image;
      }
    }
  }
}

void cn_sgemm_pack_b_im2col(
  const cn_im2col *g, int trans_b, long row0, long kc, long col0, long nc, float *packed)
{
  const long height = g->height, width = g->width;
  if (!trans_b && g->kernel_h == 1 && g->kernel_w == 1 && g->stride_h == 1 && g->stride_w == 1
      && g->pad_top == 0 && g->pad_left == 0 && g->out_height == height && g->out_width == width) {
    // A 1×1, stride-1, unpadded convolution: its im2col matrix is the image itself,
    // [channels][height·width], stored. The plain packer walks it row by row — one sequential
    // read stream — where the loop below reads 16 floats from each of kc channel planes in
    // turn, a new cache line a plane apart every time (measured: the copies' loads missed
    // and made this packer ~9 % of ResNet-50's inference).
    cn_sgemm_pack_b(0, kc, nc, g->input + row0 * height * width + col0, height * width, packed);
    return;
  }
  // The last float of the image: the stride-2 vector copy may read one past its last element.
  const float *image_end = g->input + g->channels * height * width;
#if defined(CN_PACK_HAVE_AVX2)
  const int avx2 = cn_simd_level() >= 1;
#endif
  // The depth points of this block, once (rows of op(B)).
  point_t rows[CN_SGEMM_KC_MAX];
  (trans_b ? pixel_points : tap_points)(g, row0, kc, rows);
  for (long j0 = 0; j0 < nc; j0 += NR) {
    const long columns = nc - j0 < NR ? nc - j0 : NR;
    point_t panel[NR];
    long offsets[NR];
    long y_min = 0, y_max = 0, x_min = 0, x_max = 0;
    (trans_b ? tap_points : pixel_points)(g, col0 + j0, columns, panel);
    for (long t = 0; t < columns; ++t) {
      offsets[t] = panel[t].offset;
      if (t == 0 || panel[t].y < y_min) y_min = panel[t].y;
      if (t == 0 || panel[t].y > y_max) y_max = panel[t].y;
      if (t == 0 || panel[t].x < x_min) x_min = panel[t].x;
      if (t == 0 || panel[t].x > x_max) x_max = panel[t].x;
    }
    // Sixteen evenly spaced reads on one image row (the pixels of one output row, or the
    // taps of one kernel row): a copy (step 1) or a strided loop, without the offset table.
    const long step = columns == NR ? offsets[1] - offsets[0] : 0;
    int even = columns == NR;
    for (long t = 1; t < columns && even; ++t) {
      even = offsets[t] == offsets[0] + t * step && panel[t].y == panel[0].y;
    }
    // Sixteen consecutive floats even across image rows: the pixels of a 1×1, stride-1,
    // unpadded convolution (its output row is its input row, so a panel that wraps to the next
    // row still reads on), and of any stride-1 layer whose output width is its input width.
    // Where every read of a depth row is inside the image they are one copy; without this,
    // panels that wrap (most of them at 56, 28, 14 and 7 pixels a row) took the gather loop.
    int contiguous = columns == NR;
    for (long t = 1; t < columns && contiguous; ++t) contiguous = offsets[t] == offsets[0] + t;
    float *target = packed + j0 * kc;
    for (long p = 0; p < kc; ++p, target += NR) {
#if defined(CN_PACK_HAVE_AVX2)
      // The weight gradient (rows = pixels, columns = taps): eight pixels in a row of one
      // output row at stride 1, every read inside the image, go through the 8×8 transpose.
      if (avx2 && trans_b && columns == NR && g->stride_w == 1 && p + 8 <= kc) {
        const point_t first = rows[p], last = rows[p + 7];
        if (last.y == first.y && last.offset - first.offset == 7 && first.y + y_min >= 0
            && first.y + y_max < height && first.x + x_min >= 0 && last.x + x_max < width) {
          transpose_taps_avx2(g->input + first.offset, offsets, target);
          p += 7;
          target += 7 * NR;
          continue;
        }
      }
#endif
      const point_t row = rows[p];
      const float *base = g->input + row.offset;
      const int inside = y_min + row.y >= 0 && y_max + row.y < height && x_min + row.x >= 0
        && x_max + row.x < width;
      if (inside && contiguous) {
        memcpy(target, base + offsets[0], NR * sizeof(float));
      } else if (inside && even) {
        const float *source = base + offsets[0];
#if defined(CN_PACK_HAVE_AVX2)
        if (avx2 && step == 2 && source + 2 * NR <= image_end) {
          copy_stride2_avx2(source, target);
          continue;
        }
#endif
        for (long t = 0; t < NR; ++t) target[t] = source[t * step];
      } else if (even && y_min + row.y >= 0 && y_max + row.y < height) {
        // One image row, partly in the left or right padding (a border pixel's window): the
        // lanes t_low … t_high read the row, the others are 0.
        const long x0 = row.x + panel[0].x;
        const long t_low = x0 < 0 ? (-x0 + step - 1) / step : 0;
        const long last = (width - 1 - x0) / step;
        const long t_high = x0 > width - 1 ? -1 : (last < NR - 1 ? last : NR - 1);
        const float *source = base + offsets[0];
        for (long t = 0; t < NR; ++t) {
          target[t] = t >= t_low && t <= t_high ? source[t * step] : 0.0f;
        }
      } else if (inside && columns == NR) {
        for (long t = 0; t < NR; ++t) target[t] = base[offsets[t]];
      } else if (inside) {  // the last, partial panel
        for (long t = 0; t < columns; ++t) target[t] = base[offsets[t]];
        for (long t = columns; t < NR; ++t) target[t] = 0.0f;
      } else {
        // Some reads fall in the padding. Branch-free: a read in the padding loads input[0]
        // (always valid) and is replaced by 0.
        for (long t = 0; t < columns; ++t) {
          const long y = row.y + panel[t].y, x = row.x + panel[t].x;
          const int valid = (unsigned long)y < (unsigned long)height
            && (unsigned long)x < (unsigned long)width;
          const float value = g->input[valid ? row.offset + offsets[t] : 0];
          target[t] = valid ? value : 0.0f;
        }
        for (long t = columns; t < NR; ++t) target[t] = 0.0f;
      }
    }
  }
}
