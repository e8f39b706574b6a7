/// Unfolds one image (or one group of its channels) into the im2col matrix, so that a
/// convolution becomes a single GEMM: `output[outC, OH·OW] = weight[outC, C·kH·kW] · columns`.
///
/// Shapes: `input` is `[channels, inputHeight, inputWidth]`; `columns` is
/// `[channels · kernelHeight · kernelWidth, outputHeight · outputWidth]`, row
/// `(c · kernelHeight + ki) · kernelWidth + kj` holding, for every output pixel, the input pixel
/// that kernel tap (ki, kj) of channel c sees there — or 0 where that pixel lies in the padding.
/// Spatial sizes, stride, padding and dilation come from `geometry`; `channels` is usually
/// `geometry.inputChannels / geometry.groups`. Overwrites all of `columns`.
public func im2col(
  input: UnsafePointer<Float>, columns: UnsafeMutablePointer<Float>, channels: Int,
  geometry: Conv2DGeometry
) {
  let (H, W) = (geometry.inputHeight, geometry.inputWidth)
  let (OH, OW) = (geometry.outputHeight, geometry.outputWidth)
  let (kH, kW) = (geometry.kernelHeight, geometry.kernelWidth)
  let (strideW, strideH) = (geometry.strideWidth, geometry.strideHeight)
  for c in 0..<channels {
    let plane = input + c * H * W
    for ki in 0..<kH {
      for kj in 0..<kW {
        let row = columns + ((c * kH + ki) * kW + kj) * OH * OW
        // Output column ow reads input column iw = ow·strideW + columnOffset; only the
        // outputs in `valid` read inside the image, the rest read left/right padding.
        let columnOffset = kj * geometry.dilationWidth - geometry.paddingLeft
        let valid = validOutputRange(
          outputCount: OW, stride: strideW, offset: columnOffset, inputCount: W)
        for oh in 0..<OH {
          let out = row + oh * OW
          let ih = oh * strideH - geometry.paddingTop + ki * geometry.dilationHeight
          // Plain loops rather than memset/memmove: rows are short (LeNet's 28, 10), where the
          // library calls cost more than the copying (they were 13 % of a LeNet-5 step).
          if ih < 0 || ih >= H {  // the whole output row reads top/bottom padding
            for ow in 0..<OW { out[ow] = 0 }
            continue
          }
          let source = plane + ih * W
          for ow in 0..<valid.lowerBound { out[ow] = 0 }
          if strideW == 1 {
            let shifted = source + columnOffset
            for ow in valid { out[ow] = shifted[ow] }
          } else {
            for ow in valid { out[ow] = source[ow * strideW + columnOffset] }
          }
          for ow in valid.upperBound..<OW { out[ow] = 0 }
        }
      }
    }
  }
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
  let (H, W) = (geometry.inputHeight, geometry.inputWidth)
  let (OH, OW) = (geometry.outputHeight, geometry.outputWidth)
  let (kH, kW) = (geometry.kernelHeight, geometry.kernelWidth)
  let (strideW, strideH) = (geometry.strideWidth, geometry.strideHeight)
  image.update(repeating: 0, count: channels * H * W)
  for c in 0..<channels {
    let plane = image + c * H * W
    for ki in 0..<kH {
      for kj in 0..<kW {
        let row = columns + ((c * kH + ki) * kW + kj) * OH * OW
        let columnOffset = kj * geometry.dilationWidth - geometry.paddingLeft
        let valid = validOutputRange(
          outputCount: OW, stride: strideW, offset: columnOffset, inputCount: W)
        for oh in 0..<OH {
          let ih = oh * strideH - geometry.paddingTop + ki * geometry.dilationHeight
          if ih < 0 || ih >= H { continue }
          let target = plane + ih * W
          let source = row + oh * OW
          // Same index map as im2col, run backwards: column ow goes to iw = ow·strideW + offset.
          if strideW == 1 {
            let shifted = target + columnOffset
            for ow in valid { shifted[ow] += source[ow] }
          } else {
            for ow in valid { target[ow * strideW + columnOffset] += source[ow] }
          }
        }
      }
    }
  }
}

/// The outputs `o` in `0..<outputCount` whose input index `o · stride + offset` falls inside
/// `0..<inputCount` — a contiguous range because the map is increasing. Shared by im2col,
/// col2im and the direct depthwise kernels to keep padding checks out of the inner loops.
@inline(__always)
func validOutputRange(outputCount: Int, stride: Int, offset: Int, inputCount: Int) -> Range<Int> {
  // First o with o·stride + offset ≥ 0: ceil(−offset / stride) when offset is negative.
  let first = offset >= 0 ? 0 : (-offset + stride - 1) / stride
  // Last o with o·stride + offset ≤ inputCount − 1 (none when that bound is negative).
  let room = inputCount - 1 - offset
  let end = room < 0 ? 0 : min(outputCount, room / stride + 1)
  return min(first, end)..<end
}
