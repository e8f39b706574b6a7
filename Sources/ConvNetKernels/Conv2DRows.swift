import CConvNetKernels

// Stride-1 convolutions with at most 6 output channels (LeNet-5's first layer: 1 → 6, 5×5,
// padding 2) by register tiles of 6 output channels × 16 pixels of an output row that read a
// zero-padded copy of the image in place (conv_rows.c): each im2col element would be used by
// one tile only, so the GEMM path's im2col matrix cost as much to write as the arithmetic.
// Only the forward pass; the gradients keep im2col + GEMM.

/// True when the row tiles compute this geometry's forward pass: stride 1, one group, not
/// depthwise or 1×1 unpadded (those have their own kernels), at most 6 output channels (one
/// tile of rows, as the GEMM's in-place path) and at most `rowTilesMaximumTaps` taps.
public func rowTilesApply(_ geometry: Conv2DGeometry) -> Bool {
  let (_, OCG, K, _, _) = geometry.gemmSizes
  return geometry.strideHeight == 1 && geometry.strideWidth == 1 && geometry.groups == 1
    && !geometry.isDepthwise && !geometry.isPointwise && OCG <= GemmTuning.tileRows
    && K <= rowTilesMaximumTaps
}

/// 1,024 taps × 6 rows × 4 bytes = 24 KiB of packed weight, read by every tile from L1.
let rowTilesMaximumTaps = 1024

/// Forward pass by row tiles; same contract as `conv2DForward` (which calls it when
/// `rowTilesApply`). Images are split into one run per core; each thread pads its image into
/// its own scratch. `.portable` forces the plain-C tile (for tests).
public func rowTilesConv2DForward(
  input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
  output: UnsafeMutablePointer<Float>, geometry: Conv2DGeometry,
  microKernel: GemmMicroKernel = .fastest
) {
  precondition(rowTilesApply(geometry), "rowTilesConv2DForward: \(geometry) is not a row-tile layer")
  let (N, C, OC) = (geometry.batch, geometry.inputChannels, geometry.outputChannels)
  let (_, _, K, HW, P) = geometry.gemmSizes
  let (H, W) = (geometry.inputHeight, geometry.inputWidth)
  let paddedHeight = H + geometry.paddingTop + geometry.paddingBottom
  let paddedWidth = W + geometry.paddingLeft + geometry.paddingRight
  let paddedCount = C * paddedHeight * paddedWidth
  ScratchPool.withBuffer(count: packedGemmOperandCount(m: OC, k: K)) { packed in
    packGemmOperand(transposeA: false, m: OC, k: K, a: weight, lda: K, into: packed)
    parallelChunks(N) { images in
      // The padded image plus 16 floats a row tile may read past its end.
      ScratchPool.withBuffer(count: paddedCount + 16) { padded in
        padded.update(repeating: 0, count: paddedCount + 16)
        var source = cn_im2col(
          input: padded, channels: C, height: paddedHeight, width: paddedWidth,
          out_height: geometry.outputHeight, out_width: geometry.outputWidth,
          kernel_h: geometry.kernelHeight, kernel_w: geometry.kernelWidth, stride_h: 1,
          stride_w: 1, dilation_h: geometry.dilationHeight, dilation_w: geometry.dilationWidth,
          pad_top: 0, pad_left: 0, image_stride: 0)
        withUnsafeTemporaryAllocation(of: Int.self, capacity: K) { offsets in
          for n in images {
            // Only the interior changes from image to image; the border stays zero.
            for c in 0..<C {
              for y in 0..<H {
                let row =
                  padded
                  + (c * paddedHeight + y + geometry.paddingTop) * paddedWidth
                  + geometry.paddingLeft
                row.update(from: input + (n * C + c) * HW + y * W, count: W)
              }
            }
            cn_conv_rows_forward(
              microKernel.simdLevel, &source, OC, packed, bias, output + n * OC * P,
              offsets.baseAddress!)
          }
        }
      }
    }
  }
}
