// Point-wise intensity changes. Colour channels are 0 (grey) or 0…2 (RGB); an alpha channel
// (the last one of grey+alpha and RGBA images) is opacity, not intensity, and is left alone by
// everything here except `normalized(mean:std:)`, which treats every channel alike.

extension Image {
  /// The number of channels that carry intensity: all but a trailing alpha channel.
  public var colorChannelCount: Int { channels == 2 || channels == 4 ? channels - 1 : channels }

  /// (x − mean[c]) / std[c] for every value of channel c — the input normalisation of most
  /// ImageNet-trained networks. The result is no longer in [0, 1].
  ///
  /// - Parameters:
  ///   - mean: one value per channel, or a single value for all channels.
  ///   - std: one positive value per channel, or a single value for all channels.
  public func normalized(mean: [Float], std: [Float]) -> Image {
    precondition(
      mean.count == 1 || mean.count == channels,
      "normalized: mean has \(mean.count) values, expected 1 or \(channels)")
    precondition(
      std.count == 1 || std.count == channels,
      "normalized: std has \(std.count) values, expected 1 or \(channels)")
    precondition(std.allSatisfy { $0 > 0 }, "normalized: std must be > 0, got \(std)")
    var result = self
    let planeSize = width * height
    for c in 0..<channels {
      let m = mean.count == 1 ? mean[0] : mean[c]
      let s = std.count == 1 ? std[0] : std[c]
      for i in (c * planeSize)..<((c + 1) * planeSize) {
        result.pixels[i] = (pixels[i] - m) / s
      }
    }
    return result
  }

  /// The course's contrast normalisation (a contrast stretch):
  ///
  ///     y = clip(0.5 + (x − μ) / (2·k·σ), 0, 1)
  ///
  /// where μ and σ are the mean and (population) standard deviation of all colour values of
  /// this image together. So μ maps to 0.5, μ − k·σ to 0 and μ + k·σ to 1; values further out
  /// are clipped. With k = 2 about 95 % of normally distributed values stay unclipped. A flat
  /// image (σ = 0) becomes uniform 0.5. Alpha is unchanged.
  ///
  /// - Parameter k: how many standard deviations either side of the mean fill the range; > 0.
  public func contrastNormalized(k: Float = 2) -> Image {
    precondition(k > 0, "contrastNormalized: k must be > 0, got \(k)")
    let colorValues = pixels[0..<(colorChannelCount * width * height)]
    guard !colorValues.isEmpty else { return self }
    var sum: Double = 0
    for v in colorValues { sum += Double(v) }
    let mean = sum / Double(colorValues.count)
    var squares: Double = 0
    for v in colorValues { squares += (Double(v) - mean) * (Double(v) - mean) }
    let std = (squares / Double(colorValues.count)).squareRoot()
    var result = self
    for i in colorValues.indices {
      if std == 0 {
        result.pixels[i] = 0.5
      } else {
        let stretched = 0.5 + (Double(pixels[i]) - mean) / (2 * Double(k) * std)
        result.pixels[i] = Float(min(max(stretched, 0), 1))
      }
    }
    return result
  }

  /// Brightness change as torchvision's `adjust_brightness`: every colour value times
  /// `factor`, clipped to [0, 1]. 0 gives black, 1 the original.
  public func adjustingBrightness(by factor: Float) -> Image {
    precondition(factor >= 0, "adjustingBrightness: factor must be ≥ 0, got \(factor)")
    var result = self
    for i in 0..<(colorChannelCount * width * height) {
      result.pixels[i] = min(max(pixels[i] * factor, 0), 1)
    }
    return result
  }

  /// Contrast change as torchvision's `adjust_contrast`: a blend with the mean grey level m
  /// (mean luma, see `luma()`), y = clip(m + factor·(x − m), 0, 1). 0 gives flat grey, 1 the
  /// original, 2 doubles the deviations from the mean.
  public func adjustingContrast(by factor: Float) -> Image {
    precondition(factor >= 0, "adjustingContrast: factor must be ≥ 0, got \(factor)")
    let grey = luma()
    let mean = grey.isEmpty ? 0 : grey.reduce(0, +) / Float(grey.count)
    var result = self
    for i in 0..<(colorChannelCount * width * height) {
      result.pixels[i] = min(max(mean + factor * (pixels[i] - mean), 0), 1)
    }
    return result
  }

  /// The grey level of each pixel (height·width values, row-major): the grey channel itself,
  /// or for RGB the ITU-R BT.601 luma 0.299·R + 0.587·G + 0.114·B.
  public func luma() -> [Float] {
    let planeSize = width * height
    if colorChannelCount == 1 { return Array(pixels[0..<planeSize]) }
    var grey = [Float](repeating: 0, count: planeSize)
    for i in 0..<planeSize {
      grey[i] =
        0.299 * pixels[i] + 0.587 * pixels[planeSize + i] + 0.114 * pixels[2 * planeSize + i]
    }
    return grey
  }

  /// This image with the rectangle at column `x`, row `y`, size `width`×`height` overwritten
  /// with `value` in every channel (alpha included) — the deterministic half of random erasing.
  /// The rectangle is clipped to the image.
  public func erasing(x: Int, y: Int, width: Int, height: Int, value: Float) -> Image {
    erasing(x: x, y: y, width: width, height: height) { _ in value }
  }

  /// As `erasing(x:y:width:height:value:)`, with `value()` called once per erased value
  /// (channel by channel, row by row) — used for random-noise fills.
  public func erasing(
    x: Int, y: Int, width: Int, height: Int, value: (Int) -> Float
  ) -> Image {
    var result = self
    let columns = max(0, x)..<min(self.width, x + width)
    let rows = max(0, y)..<min(self.height, y + height)
    for c in 0..<channels {
      for row in rows {
        for column in columns { result[c, row, column] = value(c) }
      }
    }
    return result
  }
}
