// Direct depthwise 2-D convolution: groups == C == OC, so every channel is convolved with its
// own kH×kW filter. im2col + GEMM would multiply a 1×(kH·kW) row by a (kH·kW)×P matrix per
// channel — all copying and no reuse — so these kernels walk the image directly.
//
// Letter legend: N batch, C channels, H×W input, OH×OW output, kH×kW kernel, P = OH·OW.
// For output row oh and kernel row ki the input row is ih = oh·strideH − padTop + ki·dilationH;
// for output column ow and kernel column kj the input column is
// iw = ow·strideW + offset with offset = kj·dilationW − padLeft. `validOutputRange` gives the
// output columns whose iw lies inside the image, so the inner loops need no padding tests, and
// with strideW == 1 they run over contiguous memory in both images (8 lanes at a time).

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
  let (C, H, W, OH, OW) = (
    g.inputChannels, g.inputHeight, g.inputWidth, g.outputHeight, g.outputWidth
  )
  let (kH, kW, strideW) = (g.kernelHeight, g.kernelWidth, g.strideWidth)
  parallelChunks(g.batch * C, minimumChunk: planesPerChunk(H * W)) { planes in
    for plane in planes {  // plane = n·C + c
      let c = plane % C
      let x = input + plane * H * W
      let y = output + plane * OH * OW
      let w = weight + c * kH * kW
      y.update(repeating: bias?[c] ?? 0, count: OH * OW)
      for oh in 0..<OH {
        let yRow = y + oh * OW
        for ki in 0..<kH {
          let ih = oh * g.strideHeight - g.paddingTop + ki * g.dilationHeight
          if ih < 0 || ih >= H { continue }  // this kernel row sees only top/bottom padding
          let xRow = x + ih * W
          for kj in 0..<kW {
            let offset = kj * g.dilationWidth - g.paddingLeft
            let valid = validOutputRange(
              outputCount: OW, stride: strideW, offset: offset, inputCount: W)
            let tap = w[ki * kW + kj]
            if strideW == 1 {  // yRow[ow] += tap · xRow[ow + offset] over contiguous ow
              addScaled(
                count: valid.count, scale: tap, source: xRow + valid.lowerBound + offset,
                target: yRow + valid.lowerBound)
            } else {
              for ow in valid { yRow[ow] += tap * xRow[ow * strideW + offset] }
            }
          }
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
  let (C, H, W, OH, OW) = (
    g.inputChannels, g.inputHeight, g.inputWidth, g.outputHeight, g.outputWidth
  )
  let (kH, kW, strideW) = (g.kernelHeight, g.kernelWidth, g.strideWidth)
  parallelChunks(g.batch * C, minimumChunk: planesPerChunk(H * W)) { planes in
    for plane in planes {
      let c = plane % C
      let dy = gradOutput + plane * OH * OW
      let dx = gradInput + plane * H * W
      let w = weight + c * kH * kW
      dx.update(repeating: 0, count: H * W)
      for oh in 0..<OH {
        let dyRow = dy + oh * OW
        for ki in 0..<kH {
          let ih = oh * g.strideHeight - g.paddingTop + ki * g.dilationHeight
          if ih < 0 || ih >= H { continue }
          let dxRow = dx + ih * W
          for kj in 0..<kW {
            let offset = kj * g.dilationWidth - g.paddingLeft
            let valid = validOutputRange(
              outputCount: OW, stride: strideW, offset: offset, inputCount: W)
            let tap = w[ki * kW + kj]
            if strideW == 1 {  // dxRow[ow + offset] += tap · dyRow[ow] over contiguous ow
              addScaled(
                count: valid.count, scale: tap, source: dyRow + valid.lowerBound,
                target: dxRow + valid.lowerBound + offset)
            } else {
              for ow in valid { dxRow[ow * strideW + offset] += tap * dyRow[ow] }
            }
          }
        }
      }
    }
  }
}

/// Depthwise 2-D convolution, gradients with respect to the weight and (optionally) the bias,
/// summed over the batch. Overwrites `gradWeight` and `gradBias`. Parallel over channels, which
/// are independent, so no cross-thread reduction is needed.
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
  let (N, C, H, W) = (g.batch, g.inputChannels, g.inputHeight, g.inputWidth)
  let (OH, OW, kH, kW, strideW) = (
    g.outputHeight, g.outputWidth, g.kernelHeight, g.kernelWidth, g.strideWidth
  )
  if let gradBias {
    sumOverBatchAndPixels(gradOutput, into: gradBias, N: N, channels: C, P: OH * OW)
  }
  parallelFor(C) { c in
    let dw = gradWeight + c * kH * kW
    dw.update(repeating: 0, count: kH * kW)
    for n in 0..<N {
      let x = input + (n * C + c) * H * W
      let dy = gradOutput + (n * C + c) * OH * OW
      for oh in 0..<OH {
        let dyRow = dy + oh * OW
        for ki in 0..<kH {
          let ih = oh * g.strideHeight - g.paddingTop + ki * g.dilationHeight
          if ih < 0 || ih >= H { continue }
          let xRow = x + ih * W
          for kj in 0..<kW {
            let offset = kj * g.dilationWidth - g.paddingLeft
            let valid = validOutputRange(
              outputCount: OW, stride: strideW, offset: offset, inputCount: W)
            // dw[ki, kj] += Σ_ow dyRow[ow] · xRow[ow·strideW + offset]
            if strideW == 1 {
              dw[ki * kW + kj] += dot(
                count: valid.count, dyRow + valid.lowerBound, xRow + valid.lowerBound + offset)
            } else {
              var sum: Float = 0
              for ow in valid { sum += dyRow[ow] * xRow[ow * strideW + offset] }
              dw[ki * kW + kj] += sum
            }
          }
        }
      }
    }
  }
}

/// Enough planes per parallel chunk that each thread gets ~32k pixels of work.
@inline(__always)
func planesPerChunk(_ planeSize: Int) -> Int { max(1, 32_768 / max(planeSize, 1)) }

/// `target[i] += scale · source[i]` for i in 0..<count, eight lanes at a time.
@inline(__always)
func addScaled(
  count: Int, scale: Float, source: UnsafePointer<Float>, target: UnsafeMutablePointer<Float>
) {
  let scales = SIMD8<Float>(repeating: scale)
  var i = 0
  while i + 8 <= count {
    let s = UnsafeRawPointer(source + i).loadUnaligned(as: SIMD8<Float>.self)
    let t = UnsafeRawPointer(target + i).loadUnaligned(as: SIMD8<Float>.self)
    UnsafeMutableRawPointer(target + i).storeBytes(of: t + scales * s, as: SIMD8<Float>.self)
    i += 8
  }
  while i < count {
    target[i] += scale * source[i]
    i += 1
  }
}

/// `Σ a[i] · b[i]` for i in 0..<count, eight lanes at a time.
@inline(__always)
func dot(count: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>) -> Float {
  var lanes = SIMD8<Float>(repeating: 0)
  var i = 0
  while i + 8 <= count {
    let av = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self)
    let bv = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
    lanes += av * bv
    i += 8
  }
  var sum = lanes.sum()
  while i < count {
    sum += a[i] * b[i]
    i += 1
  }
  return sum
}
