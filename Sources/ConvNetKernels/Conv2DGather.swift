import CConvNetKernels

// Convolutions computed by register tiles that read the image in place (conv_gather.c):
// for unpadded layers with few taps and a block of output channels, e.g. LeNet-5's second
// layer (6 → 16 channels, 5×5, 10×10 output), where each im2col element feeds only ~16
// multiply-adds and packing it costs about as much as the arithmetic. The input gradient
// keeps the im2col + GEMM path (its "output channels" are the few input channels).

/// True when the gather tiles handle this geometry's forward pass and weight gradient: no
/// padding (the tiles read the image without bounds checks), one group, not 1×1 unpadded or
/// depthwise, 12…64 output channels (`gatherOutputChannels`) and 32…256 taps (`gatherTaps`).
///
/// Measured at batch 64 against im2col + GEMM (`convnet bench --workload conv` with extra
/// layers, forward / forward+backward GFLOP/s): 6→16 5×5 on 14×14 146/106 vs 58/59;
/// 8→32 5×5 173/145 vs 119/109; 12→16 3×3 139/109 vs 70/70; 5→32 3×3 115/97 vs 96/95;
/// 16→64 3×3 (144 taps) on par. Where each im2col element feeds many multiply-adds the GEMM's
/// packing pays for itself: 1×1 stride-2 layers with 128–512 output channels 5–8 % slower,
/// hence the upper bound on channels. With 27 taps (3→64 3×3) 101/70 vs 115/92 — too few taps
/// per tile to pay for its transposed stores — hence the lower bound on taps.
public func gatherApplies(_ geometry: Conv2DGeometry) -> Bool {
  let (_, OCG, K, _, _) = geometry.gemmSizes
  return geometry.paddingTop == 0 && geometry.paddingBottom == 0 && geometry.paddingLeft == 0
    && geometry.paddingRight == 0 && geometry.groups == 1 && !geometry.isPointwise
    && !geometry.isDepthwise && gatherOutputChannels.contains(OCG) && gatherTaps.contains(K)
}

/// At least 12 of the tile's 16 lanes in use; at most 64, see `gatherApplies`.
let gatherOutputChannels = 12...64

/// At most 256 taps: 256 × 16 lanes × 4 bytes = 16 KiB of packed weight per block of output
/// channels, which stays in L1 while a tile runs.
let gatherTaps = 32...256

/// Output channels per tile (the tile's vector lanes).
private let gatherLanes = 16

/// Forward pass of an unpadded convolution by gather tiles; same contract as `conv2DForward`
/// (which calls it when `gatherApplies`). The batch's output pixels, flattened over images, are
/// split into one run per core. `.portable` forces the plain-C tile (for tests).
public func gatherConv2DForward(
  input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
  output: UnsafeMutablePointer<Float>, geometry: Conv2DGeometry,
  microKernel: GemmMicroKernel = .fastest
) {
  precondition(gatherApplies(geometry), "gatherConv2DForward: \(geometry) is not a gather layer")
  let (N, C, OC) = (geometry.batch, geometry.inputChannels, geometry.outputChannels)
  let (_, _, K, HW, P) = geometry.gemmSizes
  let blocks = (OC + gatherLanes - 1) / gatherLanes
  ScratchPool.withBuffer(count: blocks * K * gatherLanes) { packed in
    cn_conv_gather_pack_weight(weight, OC, K, packed)
    let positions = N * P
    let tiles = (positions + 5) / 6
    let chunks = max(1, min(Parallelism.threadCount, tiles / 4))
    parallelFor(chunks) { chunk in
      let first = min(positions, tiles * chunk / chunks * 6)
      let end = min(positions, tiles * (chunk + 1) / chunks * 6)
      if first == end { return }
      var source = im2colSource(
        image: input, channels: C, geometry: geometry, imageStride: C * HW)
      withUnsafeTemporaryAllocation(of: Int.self, capacity: K) { offsets in
        cn_conv_gather_forward(
          microKernel.simdLevel, &source, OC, packed, bias, output, OC * P, first,
          end - first, offsets.baseAddress!)
      }
    }
  }
}

/// Weight gradient of an unpadded convolution by gather tiles, summed over chunk `chunk` of
/// `chunkCount` contiguous runs of the batch's images and written (overwritten) to `target`
/// `[OC, C, kH, kW]`; `conv2DBackwardWeight` runs one chunk per core and adds them in order.
/// `.portable` forces the plain-C tile (for tests).
public func gatherConv2DBackwardWeight(
  input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>, geometry: Conv2DGeometry,
  chunk: Int = 0, chunkCount: Int = 1, target: UnsafeMutablePointer<Float>,
  microKernel: GemmMicroKernel = .fastest
) {
  precondition(
    gatherApplies(geometry) && chunk >= 0 && chunk < chunkCount,
    "gatherConv2DBackwardWeight: \(geometry), chunk \(chunk) of \(chunkCount)")
  let (N, C, OC) = (geometry.batch, geometry.inputChannels, geometry.outputChannels)
  let (_, _, K, HW, P) = geometry.gemmSizes
  let images = (N * chunk / chunkCount)..<(N * (chunk + 1) / chunkCount)
  if images.isEmpty {
    target.update(repeating: 0, count: OC * K)
    return
  }
  let blocks = (OC + gatherLanes - 1) / gatherLanes
  // Each tile streams the transposed gradient of the images it sums over once per block of
  // taps, so take them a few at a time: at most `gatherWeightGradientSteps` pixels (256 KiB of
  // one block), which then stays in L2.
  let imagesPerStep = max(1, gatherWeightGradientSteps / P)
  let steps = min(images.count, imagesPerStep) * P
  ScratchPool.withBuffer(count: blocks * steps * gatherLanes) { transposed in
    withUnsafeTemporaryAllocation(of: Int.self, capacity: steps + K) { offsets in
      for first in stride(from: images.lowerBound, to: images.upperBound, by: imagesPerStep) {
        let count = min(imagesPerStep, images.upperBound - first)
        cn_conv_gather_transpose_gradient(gradOutput + first * OC * P, OC, P, count, transposed)
        var source = im2colSource(
          image: input + first * C * HW, channels: C, geometry: geometry, imageStride: C * HW)
        cn_conv_gather_weight_gradient(
          microKernel.simdLevel, &source, count, OC, transposed,
          first == images.lowerBound ? 0 : 1, target, offsets.baseAddress!)
      }
    }
  }
}

/// Output pixels (over images) the weight gradient sums per pass; see
/// `gatherConv2DBackwardWeight`.
let gatherWeightGradientSteps = 4096
