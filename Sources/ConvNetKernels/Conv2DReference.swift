// Reference twins of the convolution kernels: the definition written out as plain nested loops
// over every index, accumulating in Double, for every configuration (groups, depthwise, stride,
// asymmetric padding, dilation). Slow on purpose; the fast kernels are tested against these.
//
// The one index map all three share — output pixel (oh, ow) and kernel tap (ki, kj) read
//   ih = oh·strideHeight − paddingTop  + ki·dilationHeight
//   iw = ow·strideWidth  − paddingLeft + kj·dilationWidth
// and contribute nothing when (ih, iw) falls outside the image (zero padding). Output channel
// o belongs to group o / OCG and reads input channels group·CG ..< (group+1)·CG.

/// Reference 2-D convolution forward. Overwrites `output`.
///
/// Shapes: input `[N, C, H, W]`, weight `[OC, C/groups, kH, kW]`, bias `[OC]` (optional),
/// output `[N, OC, OH, OW]`, `OH = (H + padTop + padBottom − dilation·(kH − 1) − 1) / stride + 1`.
public func conv2DForwardReference(
  input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
  output: UnsafeMutablePointer<Float>, geometry: Conv2DGeometry
) {
  if let problem = geometry.validate() { preconditionFailure(problem) }
  let P = geometry.outputHeight * geometry.outputWidth
  // Every output starts at its channel's bias; the taps then add in the order of the index map.
  var sums = (0..<geometry.outputCount).map { index in
    bias.map { Double($0[index / P % geometry.outputChannels]) } ?? 0
  }
  forEachTap(geometry) { y, x, w in sums[y] += Double(input[x]) * Double(weight[w]) }
  for index in sums.indices { output[index] = Float(sums[index]) }
}

/// Reference gradient of the convolution with respect to its input. Overwrites `gradInput`.
///
/// `gradInput[n, c, ih, iw] = Σ gradOutput[n, o, oh, ow] · weight[o, i, ki, kj]` over every
/// (o, oh, ow, ki, kj) whose index map reads (ih, iw) from channel c.
/// Shapes: gradOutput `[N, OC, OH, OW]`, weight `[OC, C/groups, kH, kW]`, gradInput `[N, C, H, W]`.
public func conv2DBackwardInputReference(
  gradOutput: UnsafePointer<Float>, weight: UnsafePointer<Float>,
  gradInput: UnsafeMutablePointer<Float>, geometry: Conv2DGeometry
) {
  if let problem = geometry.validate() { preconditionFailure(problem) }
  var sums = [Double](repeating: 0, count: geometry.inputCount)
  forEachTap(geometry) { y, x, w in sums[x] += Double(gradOutput[y]) * Double(weight[w]) }
  for index in sums.indices { gradInput[index] = Float(sums[index]) }
}

/// Reference gradients of the convolution with respect to its weight and bias, summed over the
/// batch. Overwrites `gradWeight` and `gradBias`.
///
/// `gradWeight[o, i, ki, kj] = Σ_{n, oh, ow} gradOutput[n, o, oh, ow] · input[n, c, ih, iw]`,
/// `gradBias[o] = Σ_{n, oh, ow} gradOutput[n, o, oh, ow]`.
/// Shapes: input `[N, C, H, W]`, gradOutput `[N, OC, OH, OW]`,
/// gradWeight `[OC, C/groups, kH, kW]`, gradBias `[OC]`.
public func conv2DBackwardWeightReference(
  input: UnsafePointer<Float>, gradOutput: UnsafePointer<Float>,
  gradWeight: UnsafeMutablePointer<Float>, gradBias: UnsafeMutablePointer<Float>?,
  geometry: Conv2DGeometry
) {
  if let problem = geometry.validate() { preconditionFailure(problem) }
  var sums = [Double](repeating: 0, count: geometry.weightCount)
  forEachTap(geometry) { y, x, w in sums[w] += Double(input[x]) * Double(gradOutput[y]) }
  for index in sums.indices { gradWeight[index] = Float(sums[index]) }
  if let gradBias {
    let (OC, P) = (geometry.outputChannels, geometry.outputHeight * geometry.outputWidth)
    for o in 0..<OC {
      var sum = 0.0
      for n in 0..<geometry.batch {
        for p in 0..<P { sum += Double(gradOutput[(n * OC + o) * P + p]) }
      }
      gradBias[o] = Float(sum)
    }
  }
}

/// The loop nest all three twins share: for every output element (n, o, oh, ow), input
/// channel i of its group and kernel tap (ki, kj), in that order, whose index map reads a pixel
/// inside the image, `body(y, x, w)` with the flat indices of the output element, the input
/// pixel and the weight. Taps that fall in the padding are skipped (they read zero).
private func forEachTap(
  _ g: Conv2DGeometry, _ body: (_ y: Int, _ x: Int, _ w: Int) -> Void
) {
  let (C, H, W, OC, OH, OW) = (
    g.inputChannels, g.inputHeight, g.inputWidth, g.outputChannels, g.outputHeight, g.outputWidth
  )
  let (kH, kW, CG, OCG) = (g.kernelHeight, g.kernelWidth, C / g.groups, OC / g.groups)
  for n in 0..<g.batch {
    for o in 0..<OC {
      let group = o / OCG
      for oh in 0..<OH {
        for ow in 0..<OW {
          let y = ((n * OC + o) * OH + oh) * OW + ow
          for i in 0..<CG {
            let c = group * CG + i
            for ki in 0..<kH {
              for kj in 0..<kW {
                let ih = oh * g.strideHeight - g.paddingTop + ki * g.dilationHeight
                let iw = ow * g.strideWidth - g.paddingLeft + kj * g.dilationWidth
                if ih < 0 || ih >= H || iw < 0 || iw >= W { continue }
                body(y, ((n * C + c) * H + ih) * W + iw, ((o * CG + i) * kH + ki) * kW + kj)
              }
            }
          }
        }
      }
    }
  }
}
