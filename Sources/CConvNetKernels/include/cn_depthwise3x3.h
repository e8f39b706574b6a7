// The 3×3 depthwise kernel of inference (depthwise3x3.c): padding 1, stride 1 or 2, bias and
// activation fused, on a band of output rows.
#ifndef CCONVNETKERNELS_DEPTHWISE3X3_H
#define CCONVNETKERNELS_DEPTHWISE3X3_H

/// Floats of scratch cn_depthwise3x3_rows needs for input rows `width` wide.
long cn_depthwise3x3_scratch_count(long width);

/// For channels c < `channels` and output rows oh ∈ [row_begin, row_end):
/// out[c][oh][ow] = activation(bias[c] + Σ_{ki,kj<3} weight[c][ki][kj] · x[c][oh·stride − 1 + ki]
/// [ow·stride − 1 + kj]), x zero outside the height × width image; out_width =
/// (width − 1) / stride + 1, stride 1 or 2. Input row r of channel c is read at
/// input + c·input_channel_stride + (r − input_first_row)·width (only the rows the band reads,
/// clipped to the image, need exist); output row oh at output + c·output_channel_stride +
/// (oh − row_begin)·out_width. `bias` NULL for none; `activation` a CN_ACTIVATION_*. Overwrites
/// the band. `scratch`: cn_depthwise3x3_scratch_count(width) floats. Single-threaded.
void cn_depthwise3x3_rows(
  const float *input, long input_channel_stride, long input_first_row, long height, long width,
  long stride, const float *weight, const float *bias, int activation, long channels,
  long row_begin, long row_end, float *output, long output_channel_stride, float *scratch);

#endif
