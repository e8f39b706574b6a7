// Contrast-limited adaptive histogram equalisation (Zuiderveld, "Contrast Limited Adaptive
// Histogram Equalization", Graphics Gems IV, 1994), computed step for step as OpenCV's
// `createCLAHE(clipLimit, tileGridSize).apply` on an 8-bit image (imgproc/src/clahe.cpp), so
// results agree with OpenCV to the grey level.

extension Image {
  /// CLAHE on the grey levels of this image, quantised to 256 levels like an 8-bit image.
  ///
  /// 1. The image is split into `tileColumns`×`tileRows` tiles. If the size is not a multiple
  ///    of the grid, OpenCV's padding is reproduced: `tileColumns − width % tileColumns` columns
  ///    and `tileRows − height % tileRows` rows are added on the right and bottom by mirror
  ///    reflection (BORDER_REFLECT_101) — for histograms only.
  /// 2. Each tile's 256-bin histogram is clipped at
  ///    limit = max(⌊clipLimit · tilePixels / 256⌋, 1); the clipped excess is spread evenly
  ///    over all bins and the remainder one count each on every ⌊256/remainder⌋-th bin.
  /// 3. Each tile's mapping is its cumulative histogram scaled by 255/tilePixels, rounded.
  /// 4. Every pixel is mapped by the four nearest tile mappings (tile centres), blended
  ///    bilinearly; pixels beyond the outer tile centres use the nearest tiles. Rounded to a
  ///    grey level and divided by 255.
  ///
  /// The clip limit bounds the slope of each mapping to about `clipLimit` (1 = no contrast gain;
  /// very large = plain adaptive equalisation), which is what keeps noise from being amplified.
  ///
  /// Grey images are equalised directly. For RGB the BT.601 luma Y is equalised to Y′ and
  /// Y′ − Y is added to R, G and B (clipped to [0, 1]) — the same as replacing Y in YCbCr, so
  /// hue is kept. Alpha is unchanged.
  ///
  /// - Parameters:
  ///   - clipLimit: contrast limit in OpenCV's units, > 0 (OpenCV's default is 40; 2 is typical).
  ///   - tileColumns: tiles across, ≥ 1 and ≤ width.
  ///   - tileRows: tiles down, ≥ 1 and ≤ height.
  public func equalizedCLAHE(clipLimit: Float = 2, tileColumns: Int = 8, tileRows: Int = 8) -> Image {
    precondition(clipLimit > 0, "equalizedCLAHE: clipLimit must be > 0, got \(clipLimit)")
    precondition(
      (1...max(1, width)).contains(tileColumns) && (1...max(1, height)).contains(tileRows),
      "equalizedCLAHE: a \(tileColumns)×\(tileRows) tile grid does not fit a "
        + "\(width)×\(height) image")
    guard width > 0 && height > 0 else { return self }
    let grey = luma()
    let levels = grey.map { UInt8(min(max(($0 * 255).rounded(.toNearestOrEven), 0), 255)) }
    let equalized = claheLevels(
      levels, clipLimit: clipLimit, tileColumns: tileColumns, tileRows: tileRows)
    var result = self
    let planeSize = width * height
    if colorChannelCount == 1 {
      for i in 0..<planeSize { result.pixels[i] = Float(equalized[i]) / 255 }
    } else {
      for i in 0..<planeSize {
        let change = Float(equalized[i]) / 255 - grey[i]
        for c in 0..<3 {
          result.pixels[c * planeSize + i] = min(max(pixels[c * planeSize + i] + change, 0), 1)
        }
      }
    }
    return result
  }

  /// CLAHE on a row-major plane of 8-bit levels with this image's width and height.
  private func claheLevels(
    _ levels: [UInt8], clipLimit: Float, tileColumns: Int, tileRows: Int
  ) -> [UInt8] {
    let histogramSize = 256
    // OpenCV pads only when either side is not a multiple — and then pads both sides.
    let needsPadding = width % tileColumns != 0 || height % tileRows != 0
    let paddedWidth = needsPadding ? width + tileColumns - width % tileColumns : width
    let paddedHeight = needsPadding ? height + tileRows - height % tileRows : height
    let tileWidth = paddedWidth / tileColumns
    let tileHeight = paddedHeight / tileRows
    let tilePixels = tileWidth * tileHeight
    let lutScale = Float(histogramSize - 1) / Float(tilePixels)
    let limit = max(Int(clipLimit * Float(tilePixels) / Float(histogramSize)), 1)

    // BORDER_REFLECT_101 past the end (…, len−2, len−1, len−2, …, 1, 0, 1, …): period 2(len−1).
    func reflect(_ index: Int, _ length: Int) -> Int {
      guard index >= length else { return index }
      guard length > 1 else { return 0 }
      let period = 2 * (length - 1)
      let folded = index % period
      return folded < length ? folded : period - folded
    }

    // lookUp[(tileRow · tileColumns + tileColumn) · 256 + level] = mapped level.
    var lookUp = [Float](repeating: 0, count: tileColumns * tileRows * histogramSize)
    var histogram = [Int](repeating: 0, count: histogramSize)
    for tileRow in 0..<tileRows {
      for tileColumn in 0..<tileColumns {
        for i in 0..<histogramSize { histogram[i] = 0 }
        for y in (tileRow * tileHeight)..<((tileRow + 1) * tileHeight) {
          let rowStart = reflect(y, height) * width
          for x in (tileColumn * tileWidth)..<((tileColumn + 1) * tileWidth) {
            histogram[Int(levels[rowStart + reflect(x, width)])] += 1
          }
        }
        var clipped = 0
        for i in 0..<histogramSize where histogram[i] > limit {
          clipped += histogram[i] - limit
          histogram[i] = limit
        }
        let batch = clipped / histogramSize
        var residual = clipped - batch * histogramSize
        for i in 0..<histogramSize { histogram[i] += batch }
        if residual != 0 {
          let step = max(histogramSize / residual, 1)
          var i = 0
          while i < histogramSize && residual > 0 {
            histogram[i] += 1
            i += step
            residual -= 1
          }
        }
        let base = (tileRow * tileColumns + tileColumn) * histogramSize
        var sum = 0
        for i in 0..<histogramSize {
          sum += histogram[i]
          lookUp[base + i] = min((Float(sum) * lutScale).rounded(.toNearestOrEven), 255)
        }
      }
    }

    // Bilinear blend between the mappings of the tiles whose centres surround each pixel.
    func neighbours(_ position: Int, tileSize: Int, tileCount: Int)
      -> (low: Int, high: Int, weightHigh: Float)
    {
      let t = Float(position) * (1 / Float(tileSize)) - 0.5
      let low = Int(t.rounded(.down))
      let weightHigh = t - Float(low)
      return (max(low, 0), min(low + 1, tileCount - 1), weightHigh)
    }
    let columnNeighbours = (0..<width).map {
      neighbours($0, tileSize: tileWidth, tileCount: tileColumns)
    }
    var output = [UInt8](repeating: 0, count: width * height)
    for y in 0..<height {
      let (top, bottom, ya) = neighbours(y, tileSize: tileHeight, tileCount: tileRows)
      for x in 0..<width {
        let (left, right, xa) = columnNeighbours[x]
        let level = Int(levels[y * width + x])
        func mapped(_ row: Int, _ column: Int) -> Float {
          lookUp[(row * tileColumns + column) * histogramSize + level]
        }
        let upper = mapped(top, left) * (1 - xa) + mapped(top, right) * xa
        let lower = mapped(bottom, left) * (1 - xa) + mapped(bottom, right) * xa
        let value = upper * (1 - ya) + lower * ya
        output[y * width + x] = UInt8(min(max(value.rounded(.toNearestOrEven), 0), 255))
      }
    }
    return output
  }
}
