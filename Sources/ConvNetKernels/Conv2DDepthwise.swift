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
  checkDepthwise(geometry, "depthwiseConv2DForward")
  let (C, (_, _, taps, HW, P)) = (geometry.inputChannels, geometry.gemmSizes)
  forEachDepthwiseChunk(
    geometry, count: geometry.batch * C, minimumChunk: planesPerChunk(HW)
  ) { plane, scratch, planes in
    for index in planes {  // index = n·C + c
      let c = index % C
      cn_depthwise_forward_plane(
        plane, input + index * HW, weight + c * taps, bias?[c] ?? 0, output + index * P, scratch)
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
  checkDepthwise(geometry, "depthwiseConv2DBackwardInput")
  let (C, (_, _, taps, HW, P)) = (geometry.inputChannels, geometry.gemmSizes)
  forEachDepthwiseChunk(
    geometry, count: geometry.batch * C, minimumChunk: planesPerChunk(HW)
  ) { plane, scratch, planes in
    for index in planes {
      let c = index % C
      cn_depthwise_backward_input_plane(
        plane, gradOutput + index * P, weight + c * taps, gradInput + index * HW, scratch)
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
  checkDepthwise(geometry, "depthwiseConv2DBackwardWeight")
  let (N, C, (_, _, taps, HW, P)) = (geometry.batch, geometry.inputChannels, geometry.gemmSizes)
  if let gradBias { sumOverBatchAndPixels(gradOutput, into: gradBias, N: N, channels: C, P: P) }
  gradWeight.update(repeating: 0, count: C * taps)
  forEachDepthwiseChunk(geometry, count: C) { plane, scratch, channels in
    for c in channels {
      for n in 0..<N {
        cn_depthwise_backward_weight_plane(
          plane, input + (n * C + c) * HW, gradOutput + (n * C + c) * P, gradWeight + c * taps,
          scratch)
      }
    }
  }
}

/// Traps unless `geometry` is a valid depthwise convolution (what each pass's C code assumes).
private func checkDepthwise(_ geometry: Conv2DGeometry, _ pass: StaticString) {
  if let problem = geometry.validate() { preconditionFailure(problem) }
  precondition(geometry.isDepthwise, "\(pass) needs groups == C == OC")
}

/// The setup the three depthwise passes share: `count` independent items (planes n·C + c, or
/// channels) split over threads in chunks of at least `minimumChunk`, each chunk run by `body`
/// with the plane parameters for C and its own scratch for the padded plane.
private func forEachDepthwiseChunk(
  _ geometry: Conv2DGeometry, count: Int, minimumChunk: Int = 1,
  _ body: (
    _ plane: UnsafePointer<Int>, _ scratch: UnsafeMutablePointer<Float>, _ items: Range<Int>
  ) -> Void
) {
  planeGeometry(geometry).withUnsafeBufferPointer { plane in
    let scratchCount = cn_depthwise_scratch_count(plane.baseAddress)
    parallelChunks(count, minimumChunk: minimumChunk) { items in
      ScratchPool.withBuffer(count: scratchCount) { scratch in
        body(plane.baseAddress!, scratch, items)
      }
    }
  }
}

/// Enough planes per parallel chunk that each thread gets ~32k pixels of work.
@inline(__always)
func planesPerChunk(_ planeSize: Int) -> Int { max(1, 32_768 / max(planeSize, 1)) }

// MARK: - 3×3, padding 1, stride 1 or 2, with the epilogue (inference)

extension Conv2DGeometry {
  /// A depthwise 3×3 convolution with padding 1 on every side, stride 1 or 2 (the same both
  /// ways) and no dilation — MobileNet's — which `depthwise3x3Forward` computes.
  public var isDepthwise3x3: Bool {
    isDepthwise && kernelHeight == 3 && kernelWidth == 3 && strideHeight == strideWidth
      && (strideHeight == 1 || strideHeight == 2) && dilationHeight == 1 && dilationWidth == 1
      && paddingTop == 1 && paddingBottom == 1 && paddingLeft == 1 && paddingRight == 1
  }
}

/// `output = activation(depthwise3×3(input) + bias)` for a geometry with `isDepthwise3x3`:
/// each output pixel summed in a register and finished (bias, activation) before it is stored
/// — one pass over the output (depthwise3x3.c), where `depthwiseConv2DForward` makes one per
/// tap and the epilogue another. Overwrites `output`.
///
/// Shapes: input `[N, C, H, W]`, weight `[C, 1, 3, 3]`, bias `[C]` (optional), output
/// `[N, C, OH, OW]`.
public func depthwise3x3Forward(
  input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
  activation: FusedActivation, output: UnsafeMutablePointer<Float>, geometry g: Conv2DGeometry
) {
  if let problem = g.validate() { preconditionFailure(problem) }
  precondition(g.isDepthwise3x3, "depthwise3x3Forward needs a 3×3 depthwise, padding 1, stride 1 or 2")
  let (C, HW, P) = (g.inputChannels, g.inputHeight * g.inputWidth, g.outputHeight * g.outputWidth)
  let scratchCount = cn_depthwise3x3_scratch_count(g.inputWidth)
  parallelChunks(g.batch * C, minimumChunk: planesPerChunk(HW)) { planes in
    ScratchPool.withBuffer(count: scratchCount) { scratch in
      var index = planes.lowerBound
      while index < planes.upperBound {  // index = n·C + c; a run stays within one image
        let c = index % C
        let count = min(planes.upperBound - index, C - c)
        cn_depthwise3x3_rows(
          input + index * HW, HW, 0, g.inputHeight, g.inputWidth, g.strideHeight, weight + 9 * c,
          bias.map { $0 + c }, activation.rawValue, count, 0, g.outputHeight, output + index * P,
          P, scratch)
        index += count
      }
    }
  }
}
