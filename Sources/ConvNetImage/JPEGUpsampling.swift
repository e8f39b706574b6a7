/// Chroma upsampling exactly as libjpeg-turbo does by default (`jdsample.c`).
///
/// For 2:1 ratios it uses "fancy" upsampling: each output sample is a 3/4 · nearer + 1/4 ·
/// farther blend of input samples (a triangle filter centred between samples), with the
/// first and last input samples replicated at the edges, and libjpeg's alternating rounding
/// biases. Other integer ratios (and 2:1 components only 1 or 2 samples wide) replicate
/// samples. Only the component's real samples (`width`×`height`, not the block padding)
/// take part, as in libjpeg.
enum JPEGUpsampling {
  /// Expands a component plane to `outputWidth`×`outputHeight`.
  /// - Parameters:
  ///   - plane: component samples, row stride `stride`; the first `width`×`height` are real.
  ///   - horizontalFactor, verticalFactor: Hmax/H and Vmax/V for this component.
  static func upsample(
    _ plane: [UInt8], stride: Int, width: Int, height: Int,
    horizontalFactor: Int, verticalFactor: Int, outputWidth: Int, outputHeight: Int
  ) -> [UInt8] {
    var output = [UInt8](repeating: 0, count: outputWidth * outputHeight)
    let fancyWide = width > 2
    switch (horizontalFactor, verticalFactor) {
    case (1, 1):
      for y in 0..<outputHeight {
        for x in 0..<outputWidth { output[y * outputWidth + x] = plane[y * stride + x] }
      }
    case (2, 1) where fancyWide:
      // h2v1_fancy_upsample.
      for y in 0..<outputHeight {
        let row = y * stride
        for x in 0..<outputWidth {
          let i = x >> 1
          let center = Int(plane[row + i]) * 3
          let value: Int
          if x & 1 == 0 {
            value = i == 0 ? Int(plane[row]) : (center + Int(plane[row + i - 1]) + 1) >> 2
          } else {
            value = i == width - 1
              ? Int(plane[row + i]) : (center + Int(plane[row + i + 1]) + 2) >> 2
          }
          output[y * outputWidth + x] = UInt8(value)
        }
      }
    case (1, 2):
      // h1v2_fancy_upsample: blend with the row above (even output rows) or below (odd).
      for y in 0..<outputHeight {
        let (near, far) = verticalNeighbours(y, height: height, stride: stride)
        let bias = y & 1 == 0 ? 1 : 2
        for x in 0..<outputWidth {
          let sum = Int(plane[near + x]) * 3 + Int(plane[far + x])
          output[y * outputWidth + x] = UInt8((sum + bias) >> 2)
        }
      }
    case (2, 2) where fancyWide:
      // h2v2_fancy_upsample: vertical 3:1 column sums, then a horizontal 3:1 blend of sums.
      for y in 0..<outputHeight {
        let (near, far) = verticalNeighbours(y, height: height, stride: stride)
        @inline(__always) func columnSum(_ i: Int) -> Int {
          Int(plane[near + i]) * 3 + Int(plane[far + i])
        }
        for x in 0..<outputWidth {
          let i = x >> 1
          let value: Int
          if x & 1 == 0 {
            value = i == 0
              ? (columnSum(0) * 4 + 8) >> 4 : (columnSum(i) * 3 + columnSum(i - 1) + 8) >> 4
          } else {
            value = i == width - 1
              ? (columnSum(i) * 4 + 7) >> 4 : (columnSum(i) * 3 + columnSum(i + 1) + 7) >> 4
          }
          output[y * outputWidth + x] = UInt8(value)
        }
      }
    default:
      // int_upsample / h2v1_upsample / h2v2_upsample: replicate each sample.
      for y in 0..<outputHeight {
        let row = (y / verticalFactor) * stride
        for x in 0..<outputWidth {
          output[y * outputWidth + x] = plane[row + x / horizontalFactor]
        }
      }
    }
    return output
  }

  /// Row offsets of the nearer input row and the farther one (above for even output rows,
  /// below for odd), with the first and last real rows replicated beyond the edges.
  @inline(__always)
  private static func verticalNeighbours(_ y: Int, height: Int, stride: Int) -> (Int, Int) {
    let row = y >> 1
    let other = y & 1 == 0 ? max(row - 1, 0) : min(row + 1, height - 1)
    return (row * stride, other * stride)
  }
}
