/// One pass of a PNG image: the whole image, or one of the seven Adam7 sub-images.
struct PNGPass {
  /// Position of the pass's first pixel and the spacing between its pixels.
  let x0: Int, y0: Int, dx: Int, dy: Int
  /// Pixels across and down in this pass (0 when the image is too small to reach it).
  let width: Int
  let height: Int

  init(x0: Int, y0: Int, dx: Int, dy: Int, imageWidth: Int, imageHeight: Int) {
    self.x0 = x0
    self.y0 = y0
    self.dx = dx
    self.dy = dy
    width = imageWidth > x0 ? (imageWidth - x0 + dx - 1) / dx : 0
    height = imageHeight > y0 ? (imageHeight - y0 + dy - 1) / dy : 0
  }

  /// The passes of an image: one, or Adam7's seven (PNG spec §8.2).
  static func passes(for header: PNGHeader) -> [PNGPass] {
    let (w, h) = (header.width, header.height)
    guard header.isInterlaced else {
      return [PNGPass(x0: 0, y0: 0, dx: 1, dy: 1, imageWidth: w, imageHeight: h)]
    }
    return [
      (0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
      (0, 1, 1, 2),
    ].map { PNGPass(x0: $0.0, y0: $0.1, dx: $0.2, dy: $0.3, imageWidth: w, imageHeight: h) }
  }
}

/// Reverses PNG's per-row filters (PNG spec §9) in place.
enum PNGUnfilter {
  /// Unfilters `height` rows of `rowBytes` bytes, each preceded by its filter-type byte,
  /// starting at `start` in `data`. The filter bytes are left in place.
  /// - Returns: nil on success, or the row index and filter type of the first row whose
  ///   filter type is not 0…4.
  static func unfilter(
    _ data: inout [UInt8], start: Int, rowBytes: Int, height: Int, distance: Int
  ) -> (row: Int, type: UInt8)? {
    let stride = rowBytes + 1
    return data.withUnsafeMutableBufferPointer { buffer -> (Int, UInt8)? in
      guard let base = buffer.baseAddress else { return nil }
      for y in 0..<height {
        let rowStart = start + y * stride
        let type = base[rowStart]
        let row = base + rowStart + 1
        // The previous row of the same pass; the first row sees zeros above it.
        let above: UnsafeMutablePointer<UInt8>? = y > 0 ? row - stride : nil
        switch type {
        case 0:
          break
        case 1:  // Sub: add the byte one pixel to the left.
          if rowBytes > distance {
            for i in distance..<rowBytes { row[i] &+= row[i - distance] }
          }
        case 2:  // Up: add the byte above.
          if let above { for i in 0..<rowBytes { row[i] &+= above[i] } }
        case 3:  // Average of left and above, rounded down.
          for i in 0..<rowBytes {
            let left = i >= distance ? Int(row[i - distance]) : 0
            let up = above.map { Int($0[i]) } ?? 0
            row[i] &+= UInt8((left + up) >> 1)
          }
        case 4:  // Paeth: whichever of left, above, upper-left is closest to left+above−upper-left.
          for i in 0..<rowBytes {
            let a = i >= distance ? Int(row[i - distance]) : 0
            let b = above.map { Int($0[i]) } ?? 0
            let c = i >= distance ? (above.map { Int($0[i - distance]) } ?? 0) : 0
            let p = a + b - c
            let pa = abs(p - a)
            let pb = abs(p - b)
            let pc = abs(p - c)
            let predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
            row[i] &+= UInt8(predictor)
          }
        default:
          return (y, type)
        }
      }
      return nil
    }
  }
}
