// 2-D average pooling, NCHW, exactly as PyTorch's AvgPool2d (CPU kernel).
//
// Output pixel (oh, ow) of a plane has the window rows oh·strideH − padH ..< that + kH (columns
// likewise). Its divisor is
//   countIncludePad: the window clipped to the *padded* bounds, i.e. its end clipped to H + padH
//                    (only a ceil-mode window hanging past the padding loses rows here);
//   otherwise:       the number of real input pixels, i.e. the window clipped to 0..<H.
// The sum always runs over the real pixels only (padding is zero).

/// The window and divisor of one output pixel along one axis (see the file comment).
@inline(__always)
private func averageWindow(
  output index: Int, stride: Int, padding: Int, kernel: Int, input: Int
) -> (real: Range<Int>, paddedCount: Int) {
  let start = index * stride - padding
  let paddedEnd = min(start + kernel, input + padding)
  let real = max(start, 0)..<min(paddedEnd, input)
  return (real, paddedEnd - start)
}

/// Average pooling forward. Overwrites `output`.
///
/// Shapes: input `[N, C, H, W]`, output `[N, C, OH, OW]` with
/// `OH = floor_or_ceil((H + 2·padH − kH) / strideH) + 1` (see `Pool2DGeometry`).
/// `countIncludePad` chooses the divisor: the window size clipped to the padded image when
/// true, the number of real pixels in the window when false.
public func avgPool2DForward(
  input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, geometry: Pool2DGeometry,
  countIncludePad: Bool
) {
  if let problem = geometry.validate() { preconditionFailure(problem) }
  let g = geometry
  let (HW, W, P) = (g.inputHeight * g.inputWidth, g.inputWidth, g.outputHeight * g.outputWidth)
  g.forEachPlane { plane in
    let x = input + plane * HW
    let y = output + plane * P
    forEachAverageWindow(g, countIncludePad: countIncludePad) { o, rows, columns, divisor in
      var sum: Float = 0
      for ih in rows {
        for iw in columns { sum += x[ih * W + iw] }
      }
      y[o] = sum / divisor
    }
  }
}

/// Average pooling backward: each output gradient, divided by that window's divisor, is added
/// to every real input pixel of the window (overlapping windows add). Overwrites `gradInput`.
///
/// Shapes: gradOutput `[N, C, OH, OW]`, gradInput `[N, C, H, W]`; `countIncludePad` as in
/// `avgPool2DForward`.
public func avgPool2DBackward(
  gradOutput: UnsafePointer<Float>, gradInput: UnsafeMutablePointer<Float>,
  geometry: Pool2DGeometry, countIncludePad: Bool
) {
  if let problem = geometry.validate() { preconditionFailure(problem) }
  let g = geometry
  let (HW, W, P) = (g.inputHeight * g.inputWidth, g.inputWidth, g.outputHeight * g.outputWidth)
  g.forEachPlane { plane in
    let dx = gradInput + plane * HW
    let dy = gradOutput + plane * P
    dx.update(repeating: 0, count: HW)
    forEachAverageWindow(g, countIncludePad: countIncludePad) { o, rows, columns, divisor in
      let share = dy[o] / divisor
      for ih in rows {
        for iw in columns { dx[ih * W + iw] += share }
      }
    }
  }
}

/// Runs `body(o, rows, columns, divisor)` for every output `o` of one plane, in order, with the
/// real input rows and columns of its window and its divisor (see the file comment).
@inline(__always)
private func forEachAverageWindow(
  _ g: Pool2DGeometry, countIncludePad: Bool,
  _ body: (_ output: Int, _ rows: Range<Int>, _ columns: Range<Int>, _ divisor: Float) -> Void
) {
  for oh in 0..<g.outputHeight {
    let rows = averageWindow(
      output: oh, stride: g.strideHeight, padding: g.paddingHeight, kernel: g.kernelHeight,
      input: g.inputHeight)
    for ow in 0..<g.outputWidth {
      let columns = averageWindow(
        output: ow, stride: g.strideWidth, padding: g.paddingWidth, kernel: g.kernelWidth,
        input: g.inputWidth)
      let divisor =
        countIncludePad
        ? rows.paddedCount * columns.paddedCount : rows.real.count * columns.real.count
      body(oh * g.outputWidth + ow, rows.real, columns.real, Float(divisor))
    }
  }
}
