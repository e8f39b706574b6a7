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
// loop with the roles swapped. (A packer that walked each tap's row output row by output row,
// like im2col, measured slower on LeNet's 10-pixel rows: the cuts at panel boundaries cost
// more than the per-point offsets.)
#include <string.h>

#include "sgemm_internal.h"

enum { NR = CN_SGEMM_NR };

typedef struct {
  long y, x;     // row/column displacement (tap) or window origin (pixel)
  long offset;   // y·width + x, plus c·height·width for a tap
} point_t;

static point_t tap_point(const cn_im2col *g, long row) {
  const long taps = g->kernel_h * g->kernel_w;
  const long channel = row / taps, within = row % taps;
  const long y = within / g->kernel_w * g->dilation_h;
  const long x = within % g->kernel_w * g->dilation_w;
  return (point_t){y, x, channel * g->height * g->width + y * g->width + x};
}

static point_t pixel_point(const cn_im2col *g, long column) {
  const long y = column / g->out_width * g->stride_h - g->pad_top;
  const long x = column % g->out_width * g->stride_w - g->pad_left;
  return (point_t){y, x, y * g->width + x};
}

void cn_sgemm_pack_b_im2col(
  const cn_im2col *g, int trans_b, long row0, long kc, long col0, long nc, float *packed)
{
  const long height = g->height, width = g->width;
  // The depth points of this block, once (rows of op(B)).
  point_t rows[CN_SGEMM_KC_MAX];
  for (long p = 0; p < kc; ++p) {
    rows[p] = trans_b ? pixel_point(g, row0 + p) : tap_point(g, row0 + p);
  }
  for (long j0 = 0; j0 < nc; j0 += NR) {
    const long columns = nc - j0 < NR ? nc - j0 : NR;
    point_t panel[NR];
    long offsets[NR];
    long y_min = 0, y_max = 0, x_min = 0, x_max = 0;
    for (long t = 0; t < columns; ++t) {
      panel[t] = trans_b ? tap_point(g, col0 + j0 + t) : pixel_point(g, col0 + j0 + t);
      offsets[t] = panel[t].offset;
      if (t == 0 || panel[t].y < y_min) y_min = panel[t].y;
      if (t == 0 || panel[t].y > y_max) y_max = panel[t].y;
      if (t == 0 || panel[t].x < x_min) x_min = panel[t].x;
      if (t == 0 || panel[t].x > x_max) x_max = panel[t].x;
    }
    // Sixteen neighbours on one image row (stride-1 pixels of one output row): one copy.
    int contiguous = columns == NR;
    for (long t = 1; t < columns && contiguous; ++t) {
      contiguous = offsets[t] == offsets[0] + t && panel[t].y == panel[0].y;
    }
    float *target = packed + j0 * kc;
    for (long p = 0; p < kc; ++p, target += NR) {
      const point_t row = rows[p];
      const float *base = g->input + row.offset;
      const int inside = y_min + row.y >= 0 && y_max + row.y < height && x_min + row.x >= 0
        && x_max + row.x < width;
      if (inside && contiguous) {
        memcpy(target, base + offsets[0], NR * sizeof(float));
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
