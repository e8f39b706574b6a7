// Bilinear resizing that antialiases when shrinking, computed the way Pillow's
// `Image.resize(size, Image.BILINEAR)` does (libImaging/Resample.c): a separable triangle filter
// whose support widens by the shrink factor, so every source pixel contributes when shrinking
// instead of the four nearest (which aliases — a checkerboard halved becomes a flat grey in
// Pillow, but random stripes with naive bilinear).

extension Image {
  /// This image resampled to `width`×`height` with a bilinear (triangle) filter.
  ///
  /// Output pixel i samples the source at centre (i + 0.5)·scale, scale = inSize / outSize.
  /// When enlarging, the filter is ordinary bilinear interpolation with edges clamped. When
  /// shrinking, the triangle is stretched by `scale` so it averages over the whole footprint
  /// (antialiasing). Weights are normalised to sum to 1, so a constant image stays constant.
  /// Horizontal then vertical pass, matching Pillow; Pillow's 8-bit mode additionally rounds
  /// to 1/255 after each pass, which this float version does not (its "F" mode does not either).
  ///
  /// - Parameters:
  ///   - width: output width, at least 1.
  ///   - height: output height, at least 1.
  public func resized(width: Int, height: Int) -> Image {
    precondition(
      width > 0 && height > 0, "resized: size must be at least 1×1, got \(width)×\(height)")
    precondition(self.width > 0 && self.height > 0, "resized: cannot resize an empty image")
    var result = self
    if width != self.width { result = result.resampledHorizontally(to: width) }
    if height != self.height { result = result.resampledVertically(to: height) }
    return result
  }

  /// Resizes so the shorter side becomes `shorterSide`, keeping the aspect ratio (the longer
  /// side is rounded to the nearest pixel) — torchvision's `Resize(int)`.
  public func resized(shorterSide: Int) -> Image {
    precondition(shorterSide > 0, "resized(shorterSide:): must be ≥ 1, got \(shorterSide)")
    if width <= height {
      let newHeight = max(1, Int((Double(height) * Double(shorterSide) / Double(width)).rounded()))
      return resized(width: shorterSide, height: newHeight)
    } else {
      let newWidth = max(1, Int((Double(width) * Double(shorterSide) / Double(height)).rounded()))
      return resized(width: newWidth, height: shorterSide)
    }
  }

  private func resampledHorizontally(to newWidth: Int) -> Image {
    let taps = ResampleTaps(inputSize: width, outputSize: newWidth)
    var result = Image(width: newWidth, height: height, channels: channels)
    pixels.withUnsafeBufferPointer { source in
      result.pixels.withUnsafeMutableBufferPointer { destination in
        for row in 0..<(channels * height) {
          let sourceRow = row * width
          let destinationRow = row * newWidth
          for x in 0..<newWidth {
            let first = taps.first[x]
            var sum: Float = 0
            for k in 0..<taps.count[x] {
              sum += taps.weights[x * taps.stride + k] * source[sourceRow + first + k]
            }
            destination[destinationRow + x] = sum
          }
        }
      }
    }
    return result
  }

  private func resampledVertically(to newHeight: Int) -> Image {
    let taps = ResampleTaps(inputSize: height, outputSize: newHeight)
    var result = Image(width: width, height: newHeight, channels: channels)
    pixels.withUnsafeBufferPointer { source in
      result.pixels.withUnsafeMutableBufferPointer { destination in
        for c in 0..<channels {
          for y in 0..<newHeight {
            let destinationRow = (c * newHeight + y) * width
            // Accumulate whole rows so the inner loop runs along contiguous memory.
            for k in 0..<taps.count[y] {
              let weight = taps.weights[y * taps.stride + k]
              let sourceRow = (c * height + taps.first[y] + k) * width
              for x in 0..<width {
                destination[destinationRow + x] += weight * source[sourceRow + x]
              }
            }
          }
        }
      }
    }
    return result
  }
}

/// The filter taps of one resampling pass: for output index i, `count[i]` weights starting at
/// input index `first[i]`, stored at `weights[i·stride ..< i·stride + count[i]]`.
///
/// Mirrors `precompute_coeffs` in Pillow's Resample.c with the bilinear filter (support 1):
/// support = max(scale, 1); centre = (i + 0.5)·scale; taps span
/// [trunc(centre − support + 0.5), trunc(centre + support + 0.5)) clamped to the input; weight of
/// input j is triangle((j − centre + 0.5) / max(scale, 1)), normalised to sum 1.
struct ResampleTaps {
  let first: [Int]
  let count: [Int]
  let weights: [Float]
  let stride: Int

  init(inputSize: Int, outputSize: Int) {
    let scale = Double(inputSize) / Double(outputSize)
    let filterScale = max(scale, 1)
    let support = filterScale  // the bilinear filter's own support is 1
    stride = Int(support.rounded(.up)) * 2 + 1
    var first = [Int](repeating: 0, count: outputSize)
    var count = [Int](repeating: 0, count: outputSize)
    var weights = [Float](repeating: 0, count: outputSize * stride)
    for i in 0..<outputSize {
      let centre = (Double(i) + 0.5) * scale
      // Int(_:) truncates toward zero, as the C cast in Pillow does.
      let low = max(Int(centre - support + 0.5), 0)
      let high = min(Int(centre + support + 0.5), inputSize)
      var raw = [Double]()
      for j in low..<high {
        raw.append(max(0, 1 - abs((Double(j) - centre + 0.5) / filterScale)))
      }
      let total = raw.reduce(0, +)
      first[i] = low
      count[i] = raw.count
      for (k, w) in raw.enumerated() {
        weights[i * stride + k] = Float(total != 0 ? w / total : 0)
      }
    }
    self.first = first
    self.count = count
    self.weights = weights
  }
}
