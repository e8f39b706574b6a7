// im2col and its adjoint col2im for one image (or one group of its channels), as stored
// matrices; see cn_im2col in CConvNetKernels.h for the index map. Rows are short (LeNet's 10
// and 28 pixels; 0–3 padding zeros).
#include <string.h>

#include "CConvNetKernels.h"

// Plain loops, kept as loops: without this the compiler turns the short row copies and zero
// fills into memmove/memset calls, which cost more than the work at these lengths.
#if defined(__has_attribute)
#if __has_attribute(no_builtin)
#define CN_NO_MEMCPY_CALLS __attribute__((no_builtin("memcpy", "memmove", "memset")))
#endif
#endif
#ifndef CN_NO_MEMCPY_CALLS
#define CN_NO_MEMCPY_CALLS
#endif

// The outputs o in [0, count) whose read o·stride + offset lies in [0, limit): [*first, *end).
static void valid_range(long count, long stride, long offset, long limit, long *first, long *end) {
  long f = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  const long room = limit - 1 - offset;
  long e = room < 0 ? 0 : room / stride + 1;
  if (e > count) e = count;
  if (f > e) f = e;
  *first = f;
  *end = e;
}

CN_NO_MEMCPY_CALLS void cn_im2col_store(const cn_im2col *g, float *restrict columns) {
  const long height = g->height, width = g->width;
  const long out_h = g->out_height, out_w = g->out_width;
  const long stride_w = g->stride_w;
  for (long c = 0; c < g->channels; ++c) {
    const float *restrict plane = g->input + c * height * width;
    for (long ki = 0; ki < g->kernel_h; ++ki) {
      for (long kj = 0; kj < g->kernel_w; ++kj) {
        float *restrict row = columns + ((c * g->kernel_h + ki) * g->kernel_w + kj) * out_h * out_w;
        const long dx = kj * g->dilation_w - g->pad_left;
        long first, end;
        valid_range(out_w, stride_w, dx, width, &first, &end);
        for (long oh = 0; oh < out_h; ++oh) {
          float *restrict out = row + oh * out_w;
          const long ih = oh * g->stride_h - g->pad_top + ki * g->dilation_h;
          if (ih < 0 || ih >= height) {  // the whole output row reads top/bottom padding
            for (long ow = 0; ow < out_w; ++ow) out[ow] = 0.0f;
            continue;
          }
          const float *restrict source = plane + ih * width;
          for (long ow = 0; ow < first; ++ow) out[ow] = 0.0f;
          if (stride_w == 1) {
            const float *restrict shifted = source + dx;
            for (long ow = first; ow < end; ++ow) out[ow] = shifted[ow];
          } else {
            for (long ow = first; ow < end; ++ow) out[ow] = source[ow * stride_w + dx];
          }
          for (long ow = end; ow < out_w; ++ow) out[ow] = 0.0f;
        }
      }
    }
  }
}

void cn_col2im_add(const float *restrict columns, const cn_im2col *g, float *restrict image) {
  const long height = g->height, width = g->width;
  const long out_h = g->out_height, out_w = g->out_width;
  const long stride_w = g->stride_w;
  memset(image, 0, (size_t)(g->channels * height * width) * sizeof(float));
  for (long c = 0; c < g->channels; ++c) {
    float *restrict plane = image + c * height * width;
    for (long ki = 0; ki < g->kernel_h; ++ki) {
      for (long kj = 0; kj < g->kernel_w; ++kj) {
        const float *restrict row =
          columns + ((c * g->kernel_h + ki) * g->kernel_w + kj) * out_h * out_w;
        const long dx = kj * g->dilation_w - g->pad_left;
        long first, end;
        valid_range(out_w, stride_w, dx, width, &first, &end);
        for (long oh = 0; oh < out_h; ++oh) {
          const long ih = oh * g->stride_h - g->pad_top + ki * g->dilation_h;
          if (ih < 0 || ih >= height) continue;
          float *restrict target = plane + ih * width;
          const float *restrict source = row + oh * out_w;
          // The same index map as im2col, run backwards: column ow goes to ow·stride_w + dx.
          if (stride_w == 1) {
            float *restrict shifted = target + dx;
            for (long ow = first; ow < end; ++ow) shifted[ow] += source[ow];
          } else {
            for (long ow = first; ow < end; ++ow) target[ow * stride_w + dx] += source[ow];
          }
        }
      }
    }
  }
}
