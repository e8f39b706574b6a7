import CConvNetKernels

/// Unfolds one image (or one group of its channels) into the im2col matrix, so that a
/// convolution becomes a single GEMM: `output[outC, OH·OW] = weight[outC, C·kH·kW] · columns`.
///
/// Shapes: `input` is `[channels, inputHeight, inputWidth]`; `columns` is
/// `[channels · kernelHeight · kernelWidth, outputHeight · outputWidth]`, row
/// `(c · kernelHeight + ki) · kernelWidth + kj` holding, for every output pixel, the input pixel
/// that kernel tap (ki, kj) of channel c sees there — or 0 where that pixel lies in the padding.
/// Spatial sizes, stride, padding and dilation come from `geometry`; `channels` is usually
/// `geometry.inputChannels / geometry.groups`. Overwrites all of `columns`. (The loops are in C,
/// `im2col.c`: LeNet's rows are 10–28 floats, where Swift's overlap checks cost more than the
/// copy.)
public func im2col(
  input: UnsafePointer<Float>, columns: UnsafeMutablePointer<Float>, channels: Int,
  geometry: Conv2DGeometry
) {
  var source = im2colSource(image: input, channels: channels, geometry: geometry)
  cn_im2col_store(&source, columns)
}

/// The adjoint of `im2col`: folds a column matrix back into an image, adding every entry into
/// the input pixel it was read from (pixels seen by several kernel taps receive the sum;
/// entries that came from padding are dropped).
///
/// Shapes: `columns` is `[channels · kernelHeight · kernelWidth, outputHeight · outputWidth]`,
/// `image` is `[channels, inputHeight, inputWidth]`. Overwrites `image` (zeroes it first).
public func col2im(
  columns: UnsafePointer<Float>, image: UnsafeMutablePointer<Float>, channels: Int,
  geometry: Conv2DGeometry
) {
  var shape = im2colSource(image: image, channels: channels, geometry: geometry)
  cn_col2im_add(columns, &shape, image)
}

/// The C description of the im2col matrix of `image` (`[channels, H, W]`) under `geometry`;
/// `imageStride` (floats between images) matters only where pixels run over several images:
/// the weight-gradient GEMM (`gemmIm2col(images:)`) and the gather tiles.
func im2colSource(
  image: UnsafePointer<Float>, channels: Int, geometry: Conv2DGeometry, imageStride: Int = 0
) -> cn_im2col {
  cn_im2col(
    input: image, channels: channels, height: geometry.inputHeight, width: geometry.inputWidth,
    out_height: geometry.outputHeight, out_width: geometry.outputWidth,
    kernel_h: geometry.kernelHeight, kernel_w: geometry.kernelWidth,
    stride_h: geometry.strideHeight, stride_w: geometry.strideWidth,
    dilation_h: geometry.dilationHeight, dilation_w: geometry.dilationWidth,
    pad_top: geometry.paddingTop, pad_left: geometry.paddingLeft, image_stride: imageStride)
}
