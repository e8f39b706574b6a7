#ifndef CN_POOLING_H
#define CN_POOLING_H

#include <stdint.h>

/// 2×2 max pooling at stride 2 over whole windows (no padding; 2·out_h ≤ height and
/// 2·out_w ≤ width), NCHW, `planes` = N·C independent planes; single-threaded.
///
/// Output (oh, ow) of a plane takes the four candidates (2oh, 2ow), (2oh, 2ow+1),
/// (2oh+1, 2ow), (2oh+1, 2ow+1) in that order; the first largest wins, except that a NaN
/// always wins (the last NaN seen) — PyTorch's `val > max || isnan(val)`. `indices` receives
/// the winner's flat position ih·width + iw within its input plane.
/// With `relu` ≠ 0 every candidate first goes through relu(v) = v > 0 ? v : 0, so the result
/// is exactly max-pool(relu(input)) without storing relu(input).
/// `simd_level` as for `cn_sgemm`: 0 portable C, 1 AVX2.
void cn_maxpool2x2_forward(
  int simd_level, long planes, long height, long width, long out_h, long out_w,
  const float *input, float *output, int32_t *indices, int relu);

/// Max pooling forward without indices (inference): any kH×kW window, stride sH×sW and
/// padding pH×pW (padding never wins; windows are clipped to the image), NCHW, `planes`
/// independent planes of height×width → out_h×out_w; single-threaded. Output values are exactly
/// those of the reference rule above (first largest, a NaN always wins; with `relu` ≠ 0 of
/// relu(input)). `simd_level`: CN_SIMD_AVX512 runs 16 outputs per vector, lower levels the
/// portable loop.
void cn_maxpool_values_forward(
  int simd_level, long planes, long height, long width, long out_h, long out_w, long k_h,
  long k_w, long s_h, long s_w, long p_h, long p_w, const float *input, float *output, int relu);

#endif
