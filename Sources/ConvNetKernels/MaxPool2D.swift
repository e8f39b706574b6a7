// 2-D max pooling, NCHW, as PyTorch's MaxPool2d (without dilation).
//
// Output pixel (oh, ow) of a plane looks at input rows oh·strideH − padH ..< that + kH and
// columns ow·strideW − padW ..< that + kW, clipped to the image: padding counts as −∞, so it
// never wins. The winner is the first largest value in row-major window order, except that a
// NaN always wins (the last NaN seen), so NaN propagates — PyTorch's `val > max || isnan(val)`.
// Planes (n, c) are independent; both passes split them over threads.
//
// `applyingReLU` pools relu(x) = x > 0 ? x : 0 instead of x, without storing relu(x): the
// fused ReLU → MaxPool2d of LeNet-style networks (see `reluMaxPool2d` in ConvNetAutograd).
// Candidates are rectified before they are compared, so the result — values and indices — is
// exactly that of pooling a rectified copy.
import CConvNetKernels

/// Max pooling forward. Overwrites `output` and `indices`.
///
/// Shapes: input `[N, C, H, W]`; output and indices `[N, C, OH, OW]` with
/// `OH = floor_or_ceil((H + 2·padH − kH) / strideH) + 1` (see `Pool2DGeometry`).
/// `indices` holds, for every output, the flat position `ih·W + iw` of the winning pixel within
/// its input plane (what `maxPool2DBackward` routes the gradient to). The common 2×2 / stride 2
/// unpadded case takes a fast path (C, AVX2 when available) that gives exactly the same results.
/// With `applyingReLU`, pools relu(input) (see the file comment).
public func maxPool2DForward(
  input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
  indices: UnsafeMutablePointer<Int32>, geometry: Pool2DGeometry, applyingReLU: Bool = false
) {
  if let problem = geometry.validate() { preconditionFailure(problem) }
  let g = geometry
  let isTwoByTwo =
    g.kernelHeight == 2 && g.kernelWidth == 2 && g.strideHeight == 2 && g.strideWidth == 2
    && g.paddingHeight == 0 && g.paddingWidth == 0
  // Ceil mode may add a last window hanging past the edge; the fast path needs whole windows.
  if isTwoByTwo && 2 * g.outputHeight <= g.inputHeight && 2 * g.outputWidth <= g.inputWidth {
    maxPool2DForwardTwoByTwo(
      input: input, output: output, indices: indices, geometry: g, applyingReLU: applyingReLU,
      simdLevel: poolSIMDLevel)
  } else {
    maxPool2DForwardWindowed(
      input: input, output: output, indices: indices, geometry: g, applyingReLU: applyingReLU)
  }
}

/// Any window, stride, padding and ceil mode, with the outputs whose window lies wholly inside
/// the image computed 8 at a time in SIMD lanes: per kernel tap, the 8 candidates are compared
/// with the 8 running maxima at once and the winners kept by mask — no branch per candidate
/// (on random data those branches mispredict about half the time). Border outputs run the
/// reference loop. Same contract and exactly the same results as
/// `maxPool2DForwardReference` (same comparison, same tap order: row-major).
public func maxPool2DForwardWindowed(
  input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
  indices: UnsafeMutablePointer<Int32>, geometry: Pool2DGeometry, applyingReLU: Bool = false
) {
  if let problem = geometry.validate() { preconditionFailure(problem) }
  let g = geometry
  let (H, W, OH, OW) = (g.inputHeight, g.inputWidth, g.outputHeight, g.outputWidth)
  let (kW, sW) = (g.kernelWidth, g.strideWidth)
  // Outputs [interiorStart, interiorEnd) have columnStart ≥ 0 and columnStart + kW ≤ W.
  let interiorStart = min(OW, (g.paddingWidth + sW - 1) / sW)
  let interiorEnd = max(
    interiorStart, min(OW, W - kW + g.paddingWidth >= 0 ? (W - kW + g.paddingWidth) / sW + 1 : 0))
  let laneOffsets = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) &* Int32(sW)
  g.forEachPlane { plane in
    let x = input + plane * H * W
    let y = output + plane * OH * OW
    let argmax = indices + plane * OH * OW
    for oh in 0..<OH {
      let rows = g.windowRows(oh)
      // One output by the reference rule (border columns and the tail of the interior).
      func single(_ ow: Int) {
        let (best, bestIndex) = windowMaximum(
          x, width: W, rows: rows, columns: g.windowColumns(ow), applyingReLU: applyingReLU)
        y[oh * OW + ow] = best
        argmax[oh * OW + ow] = Int32(bestIndex)
      }
      // Eight interior outputs ow ..< ow + 8 in SIMD lanes.
      func eight(_ ow: Int) {
        let columnStart = ow * sW - g.paddingWidth
        var best = SIMD8<Float>(repeating: -.infinity)
        var bestIndex = SIMD8<Int32>(repeating: Int32(rows.lowerBound * W + columnStart)) &+ laneOffsets
        for ih in rows {
          for kj in 0..<kW {
            let first = ih * W + columnStart + kj  // lane 0's candidate; lane l adds l·sW
            var candidate = SIMD8<Float>()
            for lane in 0..<8 { candidate[lane] = x[first + lane * sW] }
            if applyingReLU {
              candidate.replace(with: 0, where: .!(candidate .> 0))
            }
            let wins = (candidate .> best) .| (candidate .!= candidate)
            best.replace(with: candidate, where: wins)
            bestIndex.replace(with: SIMD8<Int32>(repeating: Int32(first)) &+ laneOffsets, where: wins)
          }
        }
        for lane in 0..<8 {
          y[oh * OW + ow + lane] = best[lane]
          argmax[oh * OW + ow + lane] = bestIndex[lane]
        }
      }
      for ow in 0..<interiorStart { single(ow) }
      var ow = interiorStart
      while ow + 8 <= interiorEnd {
        eight(ow)
        ow += 8
      }
      // The interior's tail as one more group of eight that overlaps the last (recomputing
      // a few outputs, same values) rather than one by one by the scalar rule.
      if ow < interiorEnd && interiorEnd - interiorStart >= 8 {
        eight(interiorEnd - 8)
        ow = interiorEnd
      }
      while ow < OW {
        single(ow)
        ow += 1
      }
    }
  }
}

/// The general max pooling loop for any window, stride, padding and ceil mode — the definition
/// the 2×2 and SIMD windowed paths are tested against. Same contract as `maxPool2DForward`; overwrites
/// `output` and `indices`; with `applyingReLU`, pools relu(input).
public func maxPool2DForwardReference(
  input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
  indices: UnsafeMutablePointer<Int32>, geometry: Pool2DGeometry, applyingReLU: Bool = false
) {
  if let problem = geometry.validate() { preconditionFailure(problem) }
  let g = geometry
  let (H, W, OH, OW) = (g.inputHeight, g.inputWidth, g.outputHeight, g.outputWidth)
  g.forEachPlane { plane in
    let x = input + plane * H * W
    let y = output + plane * OH * OW
    let argmax = indices + plane * OH * OW
    for oh in 0..<OH {
      let rows = g.windowRows(oh)
      for ow in 0..<OW {
        let (best, bestIndex) = windowMaximum(
          x, width: W, rows: rows, columns: g.windowColumns(ow), applyingReLU: applyingReLU)
        y[oh * OW + ow] = best
        argmax[oh * OW + ow] = Int32(bestIndex)
      }
    }
  }
}

/// The maximum of one window of plane `x` (row width `width`) and its flat index, by the rule
/// of the file comment: the first largest value in row-major order, a NaN always winning;
/// with `applyingReLU`, of relu(x).
@inline(__always)
private func windowMaximum(
  _ x: UnsafePointer<Float>, width W: Int, rows: Range<Int>, columns: Range<Int>,
  applyingReLU: Bool
) -> (Float, Int) {
  var best = -Float.infinity
  var bestIndex = rows.lowerBound * W + columns.lowerBound
  for ih in rows {
    for iw in columns {
      var value = x[ih * W + iw]
      if applyingReLU { value = value > 0 ? value : 0 }
      if value > best || value.isNaN {
        best = value
        bestIndex = ih * W + iw
      }
    }
  }
  return (best, bestIndex)
}

/// The SIMD level the pooling kernels use now (`SIMDLevel.active`; they have a portable and an
/// AVX2 path, which AVX-512 CPUs run too).
public var poolSIMDLevel: Int32 { cn_simd_level() }

/// 2×2 windows at stride 2 that lie wholly inside the image, in C (`cn_maxpool2x2_forward`):
/// the four candidates of output (oh, ow) are input (2oh, 2ow), (2oh, 2ow+1), (2oh+1, 2ow),
/// (2oh+1, 2ow+1), compared in that (row-major) order with the same rule as the general loop.
/// `simdLevel` 0 forces the portable C loop (tests cover both).
public func maxPool2DForwardTwoByTwo(
  input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
  indices: UnsafeMutablePointer<Int32>, geometry g: Pool2DGeometry, applyingReLU: Bool,
  simdLevel: Int32
) {
  let (H, W, OH, OW) = (g.inputHeight, g.inputWidth, g.outputHeight, g.outputWidth)
  parallelChunks(g.planeCount, minimumChunk: planesPerChunk(H * W)) { planes in
    cn_maxpool2x2_forward(
      simdLevel, planes.count, H, W, OH, OW, input + planes.lowerBound * H * W,
      output + planes.lowerBound * OH * OW, indices + planes.lowerBound * OH * OW,
      applyingReLU ? 1 : 0)
  }
}

/// Max pooling backward: every output gradient goes to the input pixel its window's maximum
/// came from; pixels that won several overlapping windows receive the sum. Overwrites
/// `gradInput` (zeroes it, then scatter-adds).
///
/// Shapes: gradOutput and indices `[N, C, OH, OW]` (indices from `maxPool2DForward`),
/// gradInput `[N, C, H, W]`.
/// - Parameter reluOutput: for a forward run `applyingReLU`, its output `[N, C, OH, OW]`:
///   gradients then pass only where the pooled value is > 0 (the ReLU's derivative, taken as 0
///   at 0 as PyTorch does). nil for plain max pooling.
public func maxPool2DBackward(
  gradOutput: UnsafePointer<Float>, indices: UnsafePointer<Int32>,
  gradInput: UnsafeMutablePointer<Float>, geometry: Pool2DGeometry,
  reluOutput: UnsafePointer<Float>? = nil
) {
  if let problem = geometry.validate() { preconditionFailure(problem) }
  let g = geometry
  let planeSize = g.inputHeight * g.inputWidth
  let outputPlaneSize = g.outputHeight * g.outputWidth
  g.forEachPlane { plane in
    let dx = gradInput + plane * planeSize
    let dy = gradOutput + plane * outputPlaneSize
    let argmax = indices + plane * outputPlaneSize
    dx.update(repeating: 0, count: planeSize)
    if let reluOutput {
      let y = reluOutput + plane * outputPlaneSize
      for o in 0..<outputPlaneSize where y[o] > 0 { dx[Int(argmax[o])] += dy[o] }
    } else {
      for o in 0..<outputPlaneSize { dx[Int(argmax[o])] += dy[o] }
    }
  }
}
