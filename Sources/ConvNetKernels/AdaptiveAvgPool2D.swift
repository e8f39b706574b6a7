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

private func checkAdaptiveSizes(
  batch: Int, channels: Int, inputHeight: Int, inputWidth: Int, outputHeight: Int,
  outputWidth: Int
) {
  precondition(
    batch > 0 && channels > 0 && inputHeight > 0 && inputWidth > 0 && outputHeight > 0
      && outputWidth > 0,
    "adaptive average pooling needs positive sizes, got [\(batch), \(channels), "
      + "\(inputHeight), \(inputWidth)] → \(outputHeight)×\(outputWidth)")
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
  checkAdaptiveSizes(
    batch: batch, channels: channels, inputHeight: inputHeight, inputWidth: inputWidth,
    outputHeight: outputHeight, outputWidth: outputWidth)
  let (H, W, OH, OW) = (inputHeight, inputWidth, outputHeight, outputWidth)
  parallelChunks(batch * channels, minimumChunk: planesPerChunk(H * W)) { planes in
    for plane in planes {
      let x = input + plane * H * W
      let y = output + plane * OH * OW
      for oh in 0..<OH {
        let rows = adaptiveBin(oh, outputCount: OH, inputCount: H)
        for ow in 0..<OW {
          let columns = adaptiveBin(ow, outputCount: OW, inputCount: W)
          var sum: Float = 0
          for ih in rows {
            for iw in columns { sum += x[ih * W + iw] }
          }
          y[oh * OW + ow] = sum / Float(rows.count * columns.count)
        }
      }
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
  checkAdaptiveSizes(
    batch: batch, channels: channels, inputHeight: inputHeight, inputWidth: inputWidth,
    outputHeight: outputHeight, outputWidth: outputWidth)
  let (H, W, OH, OW) = (inputHeight, inputWidth, outputHeight, outputWidth)
  parallelChunks(batch * channels, minimumChunk: planesPerChunk(H * W)) { planes in
    for plane in planes {
      let dx = gradInput + plane * H * W
      let dy = gradOutput + plane * OH * OW
      dx.update(repeating: 0, count: H * W)
      for oh in 0..<OH {
        let rows = adaptiveBin(oh, outputCount: OH, inputCount: H)
        for ow in 0..<OW {
          let columns = adaptiveBin(ow, outputCount: OW, inputCount: W)
          let share = dy[oh * OW + ow] / Float(rows.count * columns.count)
          for ih in rows {
            for iw in columns { dx[ih * W + iw] += share }
          }
        }
      }
    }
  }
}
