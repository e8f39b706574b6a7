import CConvNetKernels

// Direct depthwise 2-D convolution: groups == C == OC, so every channel is convolved with its
// own kH×kW filter. im2col + GEMM would multiply a 1×(kH·kW) row by a (kH·kW)×P matrix per
// channel — all copying and no reuse — so these kernels walk the image directly, one channel
// plane at a time, in C (depthwise_conv.c: the plane is copied into a zero-padded scratch whose
// columns are split by phase modulo the stride, so every tap reads consecutive floats for
// consecutive outputs and the loops vectorise with no padding tests; AVX2 + FMA when present).
//
// Letter legend: N batch, C channels, H×W input, OH×OW output, kH×kW kernel, P = OH·OW.

/// The 12 plane parameters depthwise_conv.c expects, in its order.
private func planeGeometry(_ g: Conv2DGeometry) -> [Int] {
  [
    g.inputHeight, g.inputWidth, g.outputHeight, g.outputWidth, g.kernelHeight, g.kernelWidth,
    g.strideHeight, g.strideWidth, g.dilationHeight, g.dilationWidth, g.paddingTop,
    g.paddingLeft,
  ]
}

/// Depthwise 2-D convolution, forward. Overwrites `output`.
///
/// Shapes: input `[N, C, H, W]`, weight `[C, 1, kH, kW]`, bias `[C]` (optional),
/// output `[N, C, OH, OW]`, `OH = (H + padTop + padBottom − dilation·(kH − 1) − 1) / stride + 1`.
/// Requires `geometry.isDepthwise`; `conv2DForward` calls this itself for such geometries.
public func depthwiseConv2DForward(
  input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
  output: UnsafeMutablePointer<Float>, geometry: Conv2DGeometry
) {
  if let problem = geometry.validate() { preconditionFailure(problem) }
  precondition(geometry.isDepthwise, "depthwiseConv2DForward needs groups == C == OC")
  let g = geometry
  let (C, HW, P, taps) = (
    g.inputChannels, g.inputHeight * g.inputWidth, g.outputHeight * g.outputWidth,
    g.kernelHeight * g.kernelWidth
  )
  planeGeometry(g).withUnsafeBufferPointer { plane in
    let scratchCount = cn_depthwise_scratch_count(plane.baseAddress)
    parallelChunks(g.batch * C, minimumChunk: planesPerChunk(HW)) { planes in
      ScratchPool.withBuffer(count: scratchCount) { scratch in
        for index in planes {  // index = n·C + c
          let c = index % C
          cn_depthwise_forward_plane(
            plane.baseAddress, input + index * HW, weight + c * taps, bias?[c] ?? 0,
            output + index * P, scratch)
        }
      }
    }
  }
}

/// Depthwise 2-D convolution, gradient with respect to the input (the forward's index map run
/// backwards: each output gradient is scattered, times the tap, to the pixel that tap read).
/// Overwrites `gradInput`.
///
/// Shapes: gradOutput `[N, C, OH, OW]`, weight `[C, 1, kH, kW]`, gradInput `[N, C, H, W]`.
/// Requires `geometry.isDepthwise`.
public func depthwiseConv2DBackwardInput(
  gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
  gradInput: UnsafeMutablePointer<Float>, geometry: Conv2DGeometry
) {
  if let problem = geometry.validate() { preconditionFailure(problem) }
  precondition(geometry.isDepthwise, "depthwiseConv2DBackwardInput needs groups == C == OC")
  let g = geometry
  let (C, HW, P, taps) = (
    g.inputChannels, g.inputHeight * g.inputWidth, g.outputHeight * g.outputWidth,
    g.kernelHeight * g.kernelWidth
  )
  planeGeometry(g).withUnsafeBufferPointer { plane in
    let scratchCount = cn_depthwise_scratch_count(plane.baseAddress)
    parallelChunks(g.batch * C, minimumChunk: planesPerChunk(HW)) { planes in
      ScratchPool.withBuffer(count: scratchCount) { scratch in
        for index in planes {
          let c = index % C
          cn_depthwise_backward_input_plane(
            plane.baseAddress, gradOutput + index * P, weight + c * taps, gradInput + index * HW,
            scratch)
        }
      }
    }
  }
}

/// Depthwise 2-D convolution, gradients with respect to the weight and (optionally) the bias,
/// summed over the batch. Overwrites `gradWeight` and `gradBias`. Parallel over channels, which
/// are independent, so no cross-thread reduction is needed and the result does not depend on
/// thread timing.
///
/// Shapes: input `[N, C, H, W]`, gradOutput `[N, C, OH, OW]`, gradWeight `[C, 1, kH, kW]`,
/// gradBias `[C]`. Requires `geometry.isDepthwise`.
public func depthwiseConv2DBackwardWeight(
  input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
  gradWeight: UnsafeMutablePointer<Float>, gradBias: UnsafeMutablePointer<Float>?,
  geometry: Conv2DGeometry
) {
  if let problem = geometry.validate() { preconditionFailure(problem) }
  precondition(geometry.isDepthwise, "depthwiseConv2DBackwardWeight needs groups == C == OC")
  let g = geometry
  let (N, C, HW, P, taps) = (
    g.batch, g.inputChannels, g.inputHeight * g.inputWidth, g.outputHeight * g.outputWidth,
    g.kernelHeight * g.kernelWidth
  )
  if let gradBias { sumOverBatchAndPixels(gradOutput, into: gradBias, N: N, channels: C, P: P) }
  gradWeight.update(repeating: 0, count: C * taps)
  planeGeometry(g).withUnsafeBufferPointer { plane in
    let scratchCount = cn_depthwise_scratch_count(plane.baseAddress)
    parallelChunks(C) { channels in
      ScratchPool.withBuffer(count: scratchCount) { scratch in
        for c in channels {
          for n in 0..<N {
            cn_depthwise_backward_weight_plane(
              plane.baseAddress, input + (n * C + c) * HW, gradOutput + (n * C + c) * P,
              gradWeight + c * taps, scratch)
          }
        }
      }
    }
  }
}

/// Enough planes per parallel chunk that each thread gets ~32k pixels of work.
@inline(__always)
func planesPerChunk(_ planeSize: Int) -> Int { max(1, 32_768 / max(planeSize, 1)) }
