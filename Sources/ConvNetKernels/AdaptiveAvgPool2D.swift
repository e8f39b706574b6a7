// Adaptive 2-D average pooling, NCHW, with PyTorch's bins: output row i of OH averages input
// rows floor(i·H / OH) ..< ceil((i + 1)·H / OH) (columns likewise). Bins cover every input row,
// may overlap when H is not a multiple of OH, and are never empty.

/// The input range that output `index` of `outputCount` averages over, of `inputCount`.
@inline(__always)
private func adaptiveBin(_ index: Int, outputCount: Int, inputCount: Int) -> Range<Int> {
  let start = index * inputCount / outputCount  // floor
  let end = ((index + 1) * inputCount + outputCount - 1) / outputCount  // ceil
  return start..<end
}

/// Runs `body(plane)` for every plane (n, c) of a `[batch, channels, H, W]` → `OH×OW` adaptive
/// pooling, split over threads, after checking that every size is positive.
private func forEachAdaptivePlane(
  batch: Int, channels: Int, inputHeight: Int, inputWidth: Int, outputHeight: Int,
  outputWidth: Int, _ body: (_ plane: Int) -> Void
) {
  precondition(
    batch > 0 && channels > 0 && inputHeight > 0 && inputWidth > 0 && outputHeight > 0
      && outputWidth > 0,
    "adaptive average pooling needs positive sizes, got [\(batch), \(channels), "
      + "\(inputHeight), \(inputWidth)] → \(outputHeight)×\(outputWidth)")
  forEachPoolingPlane(count: batch * channels, planeSize: inputHeight * inputWidth, body)
}

/// Runs `body(o, rows, columns)` for every output `o` of one `H×W` → `OH×OW` plane, in order,
/// with the input rows and columns of its bin.
@inline(__always)
private func forEachAdaptiveBin(
  inputHeight H: Int, inputWidth W: Int, outputHeight OH: Int, outputWidth OW: Int,
  _ body: (_ output: Int, _ rows: Range<Int>, _ columns: Range<Int>) -> Void
) {
  for oh in 0..<OH {
    let rows = adaptiveBin(oh, outputCount: OH, inputCount: H)
    for ow in 0..<OW {
      body(oh * OW + ow, rows, adaptiveBin(ow, outputCount: OW, inputCount: W))
    }
  }
}

/// Adaptive average pooling forward: averages each bin
/// `[floor(i·H/OH), ceil((i+1)·H/OH)) × [floor(j·W/OW), ceil((j+1)·W/OW))`. Overwrites `output`.
///
/// Shapes: input `[batch, channels, inputHeight, inputWidth]`,
/// output `[batch, channels, outputHeight, outputWidth]` (any output size, e.g. 1×1 for global
/// average pooling).
public func adaptiveAvgPool2DForward(
  input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, batch: Int, channels: Int,
  inputHeight: Int, inputWidth: Int, outputHeight: Int, outputWidth: Int
) {
  let (H, W, OH, OW) = (inputHeight, inputWidth, outputHeight, outputWidth)
  forEachAdaptivePlane(
    batch: batch, channels: channels, inputHeight: H, inputWidth: W, outputHeight: OH,
    outputWidth: OW
  ) { plane in
    let x = input + plane * H * W
    let y = output + plane * OH * OW
    forEachAdaptiveBin(inputHeight: H, inputWidth: W, outputHeight: OH, outputWidth: OW) {
      o, rows, columns in
      var sum: Float = 0
      for ih in rows {
        for iw in columns { sum += x[ih * W + iw] }
      }
      y[o] = sum / Float(rows.count * columns.count)
    }
  }
}

/// Adaptive average pooling backward: each output gradient, divided by its bin's size, is added
/// to every input pixel of the bin (overlapping bins add). Overwrites `gradInput`.
///
/// Shapes: gradOutput `[batch, channels, outputHeight, outputWidth]`,
/// gradInput `[batch, channels, inputHeight, inputWidth]`.
public func adaptiveAvgPool2DBackward(
  gradOutput: UnsafePointer<Float>, gradInput: UnsafeMutablePointer<Float>, batch: Int,
  channels: Int, inputHeight: Int, inputWidth: Int, outputHeight: Int, outputWidth: Int
) {
  let (H, W, OH, OW) = (inputHeight, inputWidth, outputHeight, outputWidth)
  forEachAdaptivePlane(
    batch: batch, channels: channels, inputHeight: H, inputWidth: W, outputHeight: OH,
    outputWidth: OW
  ) { plane in
    let dx = gradInput + plane * H * W
    let dy = gradOutput + plane * OH * OW
    dx.update(repeating: 0, count: H * W)
    forEachAdaptiveBin(inputHeight: H, inputWidth: W, outputHeight: OH, outputWidth: OW) {
      o, rows, columns in
      let share = dy[o] / Float(rows.count * columns.count)
      for ih in rows {
        for iw in columns { dx[ih * W + iw] += share }
      }
    }
  }
}
