// Direct depthwise 2-D convolution on one channel plane (groups == C == OC), forward and both
// gradients, for any kernel size, stride, dilation and padding.
//
// Every call first copies the plane into a zero-padded scratch image whose columns are split
// by phase modulo the column stride: padded column col lives in phase col % stride_w at index
// col / stride_w. Output column ow with kernel column kj reads padded column
// ow·stride_w + kj·dilation_w, i.e. phase (kj·dilation_w) % stride_w at index
// ow + (kj·dilation_w) / stride_w — consecutive output columns read consecutive floats for every
// stride, so the inner loops have no padding tests and vectorise (AVX2 + FMA copies of the
// bodies are picked at run time; the portable copies are the same C).
//
// Scratch: cn_depthwise_scratch_count floats. Padded rows needed:
// RH = (OH − 1)·stride_h + (kH − 1)·dilation_h + 1; padded columns RW likewise; a phase is
// QW = ceil(RW / stride_w) floats wide; row r, phase p starts at (r·stride_w + p)·QW.
#include "CConvNetKernels.h"

typedef struct {
  long height, width, out_height, out_width, kernel_h, kernel_w;
  long stride_h, stride_w, dilation_h, dilation_w, pad_top, pad_left;
  long rows, phase_width;  // RH and QW above
} plane_t;

static plane_t make_plane(const long *g) {
  plane_t p;
  p.height = g[0]; p.width = g[1]; p.out_height = g[2]; p.out_width = g[3];
  p.kernel_h = g[4]; p.kernel_w = g[5]; p.stride_h = g[6]; p.stride_w = g[7];
  p.dilation_h = g[8]; p.dilation_w = g[9]; p.pad_top = g[10]; p.pad_left = g[11];
  p.rows = (p.out_height - 1) * p.stride_h + (p.kernel_h - 1) * p.dilation_h + 1;
  const long columns = (p.out_width - 1) * p.stride_w + (p.kernel_w - 1) * p.dilation_w + 1;
  p.phase_width = (columns + p.stride_w - 1) / p.stride_w;
  return p;
}

long cn_depthwise_scratch_count(const long *geometry) {
  const plane_t p = make_plane(geometry);
  return p.rows * p.stride_w * p.phase_width;
}

// Where padded pixel (r, col) lives in the scratch.
static inline long padded_index(const plane_t *p, long r, long col) {
  return (r * p->stride_w + col % p->stride_w) * p->phase_width + col / p->stride_w;
}

// scratch = the zero-padded, phase-split copy of x (pixels past the image stay 0).
static inline __attribute__((always_inline)) void pad_plane(
  const plane_t *p, const float *restrict x, float *restrict scratch)
{
  const long total = p->rows * p->stride_w * p->phase_width;
  for (long i = 0; i < total; ++i) scratch[i] = 0.0f;
  for (long r = 0; r < p->rows; ++r) {
    const long ih = r - p->pad_top;
    if (ih < 0 || ih >= p->height) continue;
    const float *restrict x_row = x + ih * p->width;
    long last = p->pad_left + p->width;  // padded columns [pad_left, last) hold x
    if (last > p->phase_width * p->stride_w) last = p->phase_width * p->stride_w;
    if (p->stride_w == 1) {  // one phase: a plain row copy
      float *restrict row = scratch + r * p->phase_width;
      for (long col = p->pad_left; col < last; ++col) row[col] = x_row[col - p->pad_left];
    } else {
      for (long col = p->pad_left; col < last; ++col)
        scratch[padded_index(p, r, col)] = x_row[col - p->pad_left];
    }
  }
}

// The start of the scratch row read by output row oh, kernel tap (ki, kj), as output column 0.
static inline const float *tap_row(const plane_t *p, const float *scratch, long oh, long ki,
                                   long kj) {
  const long r = oh * p->stride_h + ki * p->dilation_h;
  const long col = kj * p->dilation_w;
  return scratch + (r * p->stride_w + col % p->stride_w) * p->phase_width + col / p->stride_w;
}

static inline __attribute__((always_inline)) void forward_body(
  const long *geometry, const float *restrict x, const float *restrict w, float bias,
  float *restrict y, float *restrict scratch)
{
  const plane_t p = make_plane(geometry);
  pad_plane(&p, x, scratch);
  const long ow_count = p.out_width;
  for (long oh = 0; oh < p.out_height; ++oh) {
    float *restrict y_row = y + oh * ow_count;
    for (long ow = 0; ow < ow_count; ++ow) y_row[ow] = bias;
    for (long ki = 0; ki < p.kernel_h; ++ki) {
      for (long kj = 0; kj < p.kernel_w; ++kj) {
        const float tap = w[ki * p.kernel_w + kj];
        const float *restrict source = tap_row(&p, scratch, oh, ki, kj);
        for (long ow = 0; ow < ow_count; ++ow) y_row[ow] += tap * source[ow];
      }
    }
  }
}

static inline __attribute__((always_inline)) void backward_input_body(
  const long *geometry, const float *restrict dy, const float *restrict w, float *restrict dx,
  float *restrict scratch)
{
  const plane_t p = make_plane(geometry);
  const long total = p.rows * p.stride_w * p.phase_width;
  for (long i = 0; i < total; ++i) scratch[i] = 0.0f;
  // Scatter every output gradient, times the tap, onto the padded pixel that tap read.
  for (long oh = 0; oh < p.out_height; ++oh) {
    const float *restrict dy_row = dy + oh * p.out_width;
    for (long ki = 0; ki < p.kernel_h; ++ki) {
      for (long kj = 0; kj < p.kernel_w; ++kj) {
        const float tap = w[ki * p.kernel_w + kj];
        float *restrict target = (float *)tap_row(&p, scratch, oh, ki, kj);
        for (long ow = 0; ow < p.out_width; ++ow) target[ow] += tap * dy_row[ow];
      }
    }
  }
  // Keep the pixels inside the image; gradients that landed on padding are dropped. Pixels no
  // output read (beyond the padded extent) get 0.
  for (long ih = 0; ih < p.height; ++ih) {
    const long r = ih + p.pad_top;
    float *restrict dx_row = dx + ih * p.width;
    const long extent = p.phase_width * p.stride_w;  // padded columns held in the scratch
    if (r < p.rows && p.stride_w == 1 && p.pad_left + p.width <= extent) {
      const float *restrict row = scratch + r * p.phase_width + p.pad_left;
      for (long iw = 0; iw < p.width; ++iw) dx_row[iw] = row[iw];
      continue;
    }
    for (long iw = 0; iw < p.width; ++iw) {
      const long col = iw + p.pad_left;
      dx_row[iw] = (r < p.rows && col < extent) ? scratch[padded_index(&p, r, col)] : 0.0f;
    }
  }
}

// Up to this many taps keep their sums in registers-sized lane arrays (3×3, 5×5, 7×7 fit).
enum { MAX_TAPS = 49 };

static inline __attribute__((always_inline)) void backward_weight_body(
  const long *geometry, const float *restrict x, const float *restrict dy, float *restrict dw,
  float *restrict scratch)
{
  const plane_t p = make_plane(geometry);
  pad_plane(&p, x, scratch);
  const long taps = p.kernel_h * p.kernel_w;
  // Per tap 8 partial sums over whole 8-column chunks plus one for the row tails, added in a
  // fixed order at the end (reproducible); the 8-lane inner loop becomes one vector FMA.
  float lanes[MAX_TAPS][8];
  float tails[MAX_TAPS];
  for (long t = 0; t < taps && t < MAX_TAPS; ++t) {
    tails[t] = 0.0f;
    for (int l = 0; l < 8; ++l) lanes[t][l] = 0.0f;
  }
  const long whole = p.out_width / 8 * 8;
  for (long ki = 0; ki < p.kernel_h; ++ki) {
    for (long kj = 0; kj < p.kernel_w; ++kj) {
      const long t = ki * p.kernel_w + kj;
      if (t >= MAX_TAPS) {  // huge kernels: plain sums
        float sum = 0.0f;
        for (long oh = 0; oh < p.out_height; ++oh) {
          const float *restrict source = tap_row(&p, scratch, oh, ki, kj);
          const float *restrict dy_row = dy + oh * p.out_width;
          for (long ow = 0; ow < p.out_width; ++ow) sum += dy_row[ow] * source[ow];
        }
        dw[t] += sum;
        continue;
      }
      float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      float tail = 0.0f;
      for (long oh = 0; oh < p.out_height; ++oh) {
        const float *restrict source = tap_row(&p, scratch, oh, ki, kj);
        const float *restrict dy_row = dy + oh * p.out_width;
        for (long i = 0; i < whole; i += 8)
          for (int l = 0; l < 8; ++l) acc[l] += dy_row[i + l] * source[i + l];
        for (long ow = whole; ow < p.out_width; ++ow) tail += dy_row[ow] * source[ow];
      }
      for (int l = 0; l < 8; ++l) lanes[t][l] = acc[l];
      tails[t] = tail;
    }
  }
  for (long t = 0; t < taps && t < MAX_TAPS; ++t) {
    const float *l = lanes[t];
    dw[t] += (((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]))) + tails[t];
  }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CN_DEPTHWISE_HAVE_AVX2 1
#define CN_AVX2 __attribute__((target("avx2,fma")))
CN_AVX2 static void forward_avx2(
  const long *g, const float *x, const float *w, float bias, float *y, float *scratch)
{ forward_body(g, x, w, bias, y, scratch); }
CN_AVX2 static void backward_input_avx2(
  const long *g, const float *dy, const float *w, float *dx, float *scratch)
{ backward_input_body(g, dy, w, dx, scratch); }
CN_AVX2 static void backward_weight_avx2(
  const long *g, const float *x, const float *dy, float *dw, float *scratch)
{ backward_weight_body(g, x, dy, dw, scratch); }
// AVX-512: the same bodies, vectorised by the compiler 16 lanes wide.
#define CN_AVX512 __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma")))
CN_AVX512 static void forward_avx512(
  const long *g, const float *x, const float *w, float bias, float *y, float *scratch)
{ forward_body(g, x, w, bias, y, scratch); }
CN_AVX512 static void backward_input_avx512(
  const long *g, const float *dy, const float *w, float *dx, float *scratch)
{ backward_input_body(g, dy, w, dx, scratch); }
CN_AVX512 static void backward_weight_avx512(
  const long *g, const float *x, const float *dy, float *dw, float *scratch)
{ backward_weight_body(g, x, dy, dw, scratch); }
#endif

void cn_depthwise_forward_plane(
  const long *geometry, const float *x, const float *w, float bias, float *y, float *scratch)
{
#if defined(CN_DEPTHWISE_HAVE_AVX2)
  if (cn_simd_level() >= CN_SIMD_AVX512) { forward_avx512(geometry, x, w, bias, y, scratch); return; }
  if (cn_simd_level() >= 1) { forward_avx2(geometry, x, w, bias, y, scratch); return; }
#endif
  forward_body(geometry, x, w, bias, y, scratch);
}

void cn_depthwise_backward_input_plane(
  const long *geometry, const float *dy, const float *w, float *dx, float *scratch)
{
#if defined(CN_DEPTHWISE_HAVE_AVX2)
  if (cn_simd_level() >= CN_SIMD_AVX512) { backward_input_avx512(geometry, dy, w, dx, scratch); return; }
  if (cn_simd_level() >= 1) { backward_input_avx2(geometry, dy, w, dx, scratch); return; }
#endif
  backward_input_body(geometry, dy, w, dx, scratch);
}

void cn_depthwise_backward_weight_plane(
  const long *geometry, const float *x, const float *dy, float *dw, float *scratch)
{
#if defined(CN_DEPTHWISE_HAVE_AVX2)
  if (cn_simd_level() >= CN_SIMD_AVX512) { backward_weight_avx512(geometry, x, dy, dw, scratch); return; }
  if (cn_simd_level() >= 1) { backward_weight_avx2(geometry, x, dy, dw, scratch); return; }
#endif
  backward_weight_body(geometry, x, dy, dw, scratch);
}
