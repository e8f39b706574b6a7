// The fast 2-D convolution kernels: im2col + GEMM per image and group.
//
// Letter legend inside the kernels: N batch, C input channels, OC output channels, H×W input,
// OH×OW output, kH×kW kernel, G groups, CG = C/G and OCG = OC/G channels per group,
// K = CG·kH·kW the GEMM depth (one weight row), P = OH·OW output pixels per channel.
//
// Work is split over the batch (each thread owns whole images and its own im2col scratch),
// because GEMM itself may be multi-threaded and per-image GEMMs are small. Which algorithm runs
// each pass is chosen once per geometry by `Conv2DPlan` (Conv2DPlan.swift); the three entry
// points below switch on it. Depthwise geometries go to the direct kernels in
// Conv2DDepthwise.swift instead, 3×3 stride-1 layers with enough channels to Winograd
// (Conv2DWinograd.swift), unpadded layers with few taps to the gather tiles (Conv2DGather.swift),
// and stride-1 layers with at most 6 output channels to the row tiles (Conv2DRows.swift).

/// 2-D convolution (cross-correlation), forward: `output = weight ⋆ input + bias`. Overwrites
/// `output`.
///
/// Shapes: input `[N, C, H, W]`, weight `[OC, C/groups, kH, kW]`, bias `[OC]` (optional),
/// output `[N, OC, OH, OW]` with
/// `OH = (H + paddingTop + paddingBottom − dilationHeight·(kH − 1) − 1) / strideHeight + 1`
/// (and the same for OW) — see `Conv2DGeometry`. Runs `Conv2DPlan(geometry).forward`.
public func conv2DForward(
  input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
  output: UnsafeMutablePointer<Float>, geometry: Conv2DGeometry
) {
  conv2DForward(input: input, weight: weight, bias: bias, output: output, plan: Conv2DPlan(geometry))
}

/// `conv2DForward` by the algorithm `plan` chose for the forward pass of `plan.geometry`.
public func conv2DForward(
  input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
  output: UnsafeMutablePointer<Float>, plan: Conv2DPlan
) {
  let geometry = plan.geometry
  switch plan.forward {
  case .depthwise:
    depthwiseConv2DForward(
      input: input, weight: weight, bias: bias, output: output, geometry: geometry)
  case .winograd:
    winogradConv2DForward(
      input: input, weight: weight, bias: bias, output: output, geometry: geometry)
  case .winogradF43:
    winogradF43Conv2DForward(
      input: input, weight: weight, bias: bias, output: output, geometry: geometry)
  case .gather:
    gatherConv2DForward(
      input: input, weight: weight, bias: bias, output: output, geometry: geometry)
  case .rows:
    rowTilesConv2DForward(
      input: input, weight: weight, bias: bias, output: output, geometry: geometry)
  case .pointwiseGEMM, .im2colGEMM, .implicitGEMM:
    gemmConv2DForward(
      input: input, weight: weight, bias: bias, output: output, geometry: geometry,
      algorithm: plan.forward)
  case .implicitGEMMAcrossImages:
    preconditionFailure("conv2DForward: \(plan.forward) is not a forward algorithm")
  }
}

/// The GEMM forward passes: `.pointwiseGEMM` (the image is the right-hand operand),
/// `.im2colGEMM` (a stored im2col matrix) and `.implicitGEMM` (im2col packed by the GEMM).
private func gemmConv2DForward(
  input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
  output: UnsafeMutablePointer<Float>, geometry: Conv2DGeometry, algorithm: Conv2DAlgorithm
) {
  let (N, C, OC, G) = (
    geometry.batch, geometry.inputChannels, geometry.outputChannels, geometry.groups
  )
  let (CG, OCG, K, HW, P) = geometry.gemmSizes
  let pointwise = algorithm == .pointwiseGEMM
  // im2col packed by the GEMM on the fly (see `Conv2DPlan` for when it is not).
  let implicitIm2col = algorithm == .implicitGEMM
  // Whole images per core when there are enough of them, else each image's GEMM is split.
  let perImageThreads = N < Parallelism.threadCount
  // The implicit-im2col GEMMs take each group's weight packed once for all images, packed in
  // parallel by panels of 6 rows (at batch 1 a 512×4608 weight is as much work as its GEMM).
  let packedCount = implicitIm2col ? packedGemmOperandCount(m: OCG, k: K) : 0
  ScratchPool.withBuffer(count: G * packedCount) { packedWeight in
    let panels = (OCG + GemmTuning.tileRows - 1) / GemmTuning.tileRows
    let panelCount = implicitIm2col ? G * panels : 0
    let minimumChunk = max(1, 32 * 1024 / (GemmTuning.tileRows * K))
    parallelChunks(panelCount, minimumChunk: minimumChunk) { range in
      for index in range {
        let (g, first) = (index / panels, index % panels * GemmTuning.tileRows)
        packGemmOperand(
          transposeA: false, m: min(GemmTuning.tileRows, OCG - first), k: K,
          a: weight + (g * OCG + first) * K, lda: K,
          into: packedWeight + g * packedCount + first * K)
      }
    }
    parallelChunks(N) { images in
      ScratchPool.withBuffer(count: pointwise || implicitIm2col ? 0 : K * P) { columns in
        for n in images {
          for g in 0..<G {
            let x = input + (n * C + g * CG) * HW  // image n, first channel of group g
            let y = output + (n * OC + g * OCG) * P
            let w = weight + g * OCG * K  // rows g·OCG ..< (g+1)·OCG of weight [OC, K]
            let groupBias = bias.map { $0 + g * OCG }
            // y[OCG, P] = w[OCG, K] · right[K, P] + bias, the bias added by the GEMM's epilogue
            // while each tile is in registers' reach (no separate pass over y).
            if implicitIm2col {
              gemmIm2col(
                transposeB: false, m: OCG, n: P, k: K, a: w, lda: K, image: x, channels: CG,
                geometry: geometry, beta: 0, c: y, ldc: P, bias: groupBias,
                packedA: packedWeight + g * packedCount, parallel: perImageThreads)
              continue
            }
            // The K×P right-hand side: the image itself for 1×1 convolutions, else im2col.
            var right = x
            if !pointwise {
              im2col(input: x, columns: columns, channels: CG, geometry: geometry)
              right = UnsafePointer(columns)
            }
            gemm(
              transposeA: false, transposeB: false, m: OCG, n: P, k: K, alpha: 1, a: w, lda: K,
              b: right, ldb: P, beta: 0, c: y, ldc: P, bias: groupBias, biasAlongRows: true,
              relu: false)
          }
        }
      }
    }
  }
}

/// 2-D convolution, gradient with respect to the input. Overwrites `gradInput`.
///
/// Mathematically the full convolution of `gradOutput` with the 180°-rotated kernel (with
/// input and output channels swapped, and the stride turned into zero-insertion); computed as
/// `columns = weightᵀ · gradOutput` per image and group followed by `col2im`, which adds each
/// column entry back into the input pixel it came from.
///
/// Shapes: gradOutput `[N, OC, OH, OW]`, weight `[OC, C/groups, kH, kW]`,
/// gradInput `[N, C, H, W]`; sizes as in `Conv2DGeometry`
/// (`OH = (H + padTop + padBottom − dilation·(kH − 1) − 1) / stride + 1`). Runs
/// `Conv2DPlan(geometry).inputGradient`.
public func conv2DBackwardInput(
  gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
  gradInput: UnsafeMutablePointer<Float>, geometry: Conv2DGeometry
) {
  conv2DBackwardInput(
    gradOutput: gradOutput, weight: weight, gradInput: gradInput, plan: Conv2DPlan(geometry))
}

/// `conv2DBackwardInput` by the algorithm `plan` chose for the input gradient of
/// `plan.geometry`.
public func conv2DBackwardInput(
  gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
  gradInput: UnsafeMutablePointer<Float>, plan: Conv2DPlan
) {
  let geometry = plan.geometry
  switch plan.inputGradient {
  case .depthwise:
    depthwiseConv2DBackwardInput(
      gradOutput: gradOutput, weight: weight, gradInput: gradInput, geometry: geometry)
  case .winograd:
    winogradConv2DBackwardInput(
      gradOutput: gradOutput, weight: weight, gradInput: gradInput, geometry: geometry)
  case .pointwiseGEMM, .im2colGEMM:
    gemmConv2DBackwardInput(
      gradOutput: gradOutput, weight: weight, gradInput: gradInput, geometry: geometry,
      pointwise: plan.inputGradient == .pointwiseGEMM)
  case .gather, .rows, .implicitGEMM, .implicitGEMMAcrossImages, .winogradF43:
    preconditionFailure("conv2DBackwardInput: \(plan.inputGradient) is not an input-gradient algorithm")
  }
}

/// The GEMM input gradient: `weightᵀ · gradOutput` per image and group, folded back by
/// `col2im` — or, for 1×1 convolutions (`pointwise`), written straight into `gradInput`.
private func gemmConv2DBackwardInput(
  gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
  gradInput: UnsafeMutablePointer<Float>, geometry: Conv2DGeometry, pointwise: Bool
) {
  let (N, C, OC, G) = (
    geometry.batch, geometry.inputChannels, geometry.outputChannels, geometry.groups
  )
  let (CG, OCG, K, HW, P) = geometry.gemmSizes
  parallelChunks(N) { images in
    ScratchPool.withBuffer(count: pointwise ? 0 : K * P) { columns in
      for n in images {
        for g in 0..<G {
          let dy = gradOutput + (n * OC + g * OCG) * P
          let dx = gradInput + (n * C + g * CG) * HW
          let w = weight + g * OCG * K
          // columns[K, P] = w[OCG, K]ᵀ · dy[OCG, P]; for 1×1 convolutions K = CG, P = HW and
          // the columns are the input gradient itself.
          let target = pointwise ? dx : columns
          gemm(
            transposeA: true, transposeB: false, m: K, n: P, k: OCG, alpha: 1, a: w, lda: K,
            b: dy, ldb: P, beta: 0, c: target, ldc: P)
          if !pointwise {
            col2im(columns: columns, image: dx, channels: CG, geometry: geometry)
          }
        }
      }
    }
  }
}

/// 2-D convolution, gradients with respect to the weight and (optionally) the bias, summed
/// over the batch. Overwrites `gradWeight` and `gradBias`.
///
/// `gradWeight[OCG, K] = Σₙ gradOutputₙ[OCG, P] · im2col(inputₙ)[K, P]ᵀ` per group, and
/// `gradBias[o] = Σₙ Σ_pixels gradOutput[n, o]`. Images are split into one contiguous chunk
/// per thread; each chunk sums into its own buffer and the chunks are added in chunk order, so
/// the result does not depend on thread timing.
///
/// Shapes: input `[N, C, H, W]`, gradOutput `[N, OC, OH, OW]`,
/// gradWeight `[OC, C/groups, kH, kW]`, gradBias `[OC]`; sizes as in `Conv2DGeometry`. Runs
/// `Conv2DPlan(geometry).weightGradient`.
public func conv2DBackwardWeight(
  input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
  gradWeight: UnsafeMutablePointer<Float>, gradBias: UnsafeMutablePointer<Float>?,
  geometry: Conv2DGeometry
) {
  conv2DBackwardWeight(
    input: input, gradOutput: gradOutput, gradWeight: gradWeight, gradBias: gradBias,
    plan: Conv2DPlan(geometry))
}

/// `conv2DBackwardWeight` by the algorithm `plan` chose for the weight gradient of
/// `plan.geometry`.
public func conv2DBackwardWeight(
  input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
  gradWeight: UnsafeMutablePointer<Float>, gradBias: UnsafeMutablePointer<Float>?,
  plan: Conv2DPlan
) {
  let geometry = plan.geometry
  let algorithm = plan.weightGradient
  switch algorithm {
  case .depthwise:
    depthwiseConv2DBackwardWeight(
      input: input, gradOutput: gradOutput, gradWeight: gradWeight, gradBias: gradBias,
      geometry: geometry)
    return
  case .winograd, .winogradF43, .rows:
    preconditionFailure("conv2DBackwardWeight: \(algorithm) is not a weight-gradient algorithm")
  case .gather, .pointwiseGEMM, .im2colGEMM, .implicitGEMM, .implicitGEMMAcrossImages:
    break
  }
  let (N, C, OC, G) = (
    geometry.batch, geometry.inputChannels, geometry.outputChannels, geometry.groups
  )
  let (CG, OCG, K, HW, P) = geometry.gemmSizes
  let weightCount = geometry.weightCount

  if let gradBias { sumOverBatchAndPixels(gradOutput, into: gradBias, N: N, channels: OC, P: P) }

  // `.implicitGEMM` packs im2colᵀ on the fly (8 pixels × 16 taps by a register transpose where
  // the pixels lie on one output row at stride 1, else pixel by pixel, 16 gathered taps);
  // `.im2colGEMM` writes the small matrix with im2col's contiguous row copies and the GEMM
  // packs it by 4×4 transposes. `.implicitGEMMAcrossImages`: small output planes (ResNet's last
  // stages: 8×8, 4×4) would make per-image GEMMs of depth P that load and store all of the
  // weight gradient every few steps; there one GEMM per chunk of images runs its depth over all
  // their pixels.

  // One chunk per thread, or a fixed number in deterministic mode (`Parallelism.isDeterministic`).
  let chunkCount = Parallelism.reductionChunkCount(items: N)
  // Chunk 0 sums straight into gradWeight; chunks 1… into their slices of `partials`.
  ScratchPool.withBuffer(count: (chunkCount - 1) * weightCount) { partials in
    parallelFor(chunkCount) { chunk in
      let target = chunk == 0 ? gradWeight : partials + (chunk - 1) * weightCount
      if algorithm == .gather {
        gatherConv2DBackwardWeight(
          input: input, gradOutput: gradOutput, geometry: geometry, chunk: chunk,
          chunkCount: chunkCount, target: target)
        return
      }
      let images = (N * chunk / chunkCount)..<(N * (chunk + 1) / chunkCount)
      if algorithm == .implicitGEMMAcrossImages {
        let depth = images.count * P
        ScratchPool.withBuffer(count: OCG * depth) { rows in
          for g in 0..<G {
            // rows[OCG, images·P]: group g's output gradient, image after image; then
            // target[OCG, K] = rows · im2colᵀ of the chunk's images stacked.
            for (i, n) in images.enumerated() {
              for o in 0..<OCG {
                (rows + o * depth + i * P).update(
                  from: gradOutput + (n * OC + g * OCG + o) * P, count: P)
              }
            }
            gemmIm2col(
              transposeB: true, m: OCG, n: K, k: depth, a: rows, lda: depth,
              image: input + (images.lowerBound * C + g * CG) * HW, channels: CG,
              geometry: geometry, images: images.count, imageStride: C * HW, beta: 0,
              c: target + g * OCG * K, ldc: K, parallel: chunkCount == 1)
          }
        }
        return
      }
      let storedColumns = algorithm == .im2colGEMM
      ScratchPool.withBuffer(count: storedColumns ? K * P : 0) { columns in
        for n in images {
          for g in 0..<G {
            let x = input + (n * C + g * CG) * HW
            let dy = gradOutput + (n * OC + g * OCG) * P
            let c = target + g * OCG * K
            // target[OCG, K] (+)= dy[OCG, P] · right[K, P]ᵀ; a chunk's first image overwrites.
            let beta: Float = n == images.lowerBound ? 0 : 1
            if algorithm == .pointwiseGEMM || storedColumns {
              // right = the image itself for 1×1 convolutions, else the stored im2col matrix.
              var right = x
              if storedColumns {
                im2col(input: x, columns: columns, channels: CG, geometry: geometry)
                right = UnsafePointer(columns)
              }
              gemm(
                transposeA: false, transposeB: true, m: OCG, n: K, k: P, alpha: 1, a: dy,
                lda: P, b: right, ldb: P, beta: beta, c: c, ldc: K)
            } else {
              gemmIm2col(
                transposeB: true, m: OCG, n: K, k: P, a: dy, lda: P, image: x, channels: CG,
                geometry: geometry, beta: beta, c: c, ldc: K, parallel: chunkCount == 1)
            }
          }
        }
      }
    }
    for chunk in 1..<chunkCount {
      let partial = partials + (chunk - 1) * weightCount
      for i in 0..<weightCount { gradWeight[i] += partial[i] }
    }
  }
}

/// The im2col size (K·P floats, 128 KiB) from which the weight gradient packs im2colᵀ on the
/// fly (`.implicitGEMM`) rather than storing it (`.im2colGEMM`) (measured with
/// `convnet bench --workload conv`).
let implicitWeightGradientMinimum = 32 * 1024

/// Output planes smaller than this many pixels have their weight gradient summed by one GEMM
/// over a chunk of images rather than one per image (`.implicitGEMMAcrossImages`, see
/// `conv2DBackwardWeight`).
let weightGradientBatchingPixels = 256

/// `sums[c] = Σₙ Σₚ values[n, c, p]` for values `[N, channels, P]`, accumulated in Double.
/// Overwrites `sums`. Shared with the depthwise kernels for the bias gradient.
func sumOverBatchAndPixels(
  _ values: UnsafePointer<Float>, into sums: UnsafeMutablePointer<Float>, N: Int, channels: Int,
  P: Int
) {
  for c in 0..<channels {
    var total = 0.0
    for n in 0..<N {
      let plane = values + (n * channels + c) * P
      // One plane in Float, 8 lanes at a time (a fixed order, so reproducible); planes are
      // added in Double.
      var lanes = SIMD8<Float>(repeating: 0)
      var p = 0
      while p + 8 <= P {
        lanes += UnsafeRawPointer(plane + p).loadUnaligned(as: SIMD8<Float>.self)
        p += 8
      }
      var planeSum = lanes.sum()
      while p < P {
        planeSum += plane[p]
        p += 1
      }
      total += Double(planeSum)
    }
    sums[c] = Float(total)
  }
}
