// The fused epilogue as a pass of its own, for the convolution algorithms whose kernels have no
// epilogue (depthwise, gather and row tiles, stored im2col).
#include "epilogue.h"

void cn_epilogue_apply(float *values, long count, const float *residual, int activation) {
  if (residual != NULL) cn_add_row(values, residual, count);
  cn_activate_row(values, count, activation);
}
