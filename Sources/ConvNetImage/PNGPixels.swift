/// Turns unfiltered PNG rows into an `Image`: unpacks samples of 1–16 bits, places Adam7
/// pass pixels, looks up palettes and applies tRNS.
enum PNGPixels {
  static func image(
    header: PNGHeader, palette: [UInt8], transparency: [UInt8]?, data: [UInt8],
    passes: [PNGPass], passStarts: [Int],
    fail: (ImageDecodingError.Kind, String) -> ImageDecodingError
  ) throws -> Image {
    let width = header.width
    let height = header.height
    let stored = header.colorType.samplesPerPixel
    // Raw samples, interleaved, in final pixel positions.
    var samples = [UInt16](repeating: 0, count: width * height * stored)
    let depth = header.bitDepth
    for (pass, start) in zip(passes, passStarts) where pass.width > 0 && pass.height > 0 {
      let stride = header.rowBytes(width: pass.width) + 1
      for y in 0..<pass.height {
        let row = start + y * stride + 1
        let outputRow = (pass.y0 + y * pass.dy) * width
        for x in 0..<pass.width {
          let output = (outputRow + pass.x0 + x * pass.dx) * stored
          for s in 0..<stored {
            let index = x * stored + s
            let value: UInt16
            switch depth {
            case 8: value = UInt16(data[row + index])
            case 16: value = UInt16(data[row + 2 * index]) << 8 | UInt16(data[row + 2 * index + 1])
            default:
              // Sub-byte samples are packed most significant bits first.
              let bit = index * depth
              let shift = 8 - depth - bit % 8
              value = UInt16((data[row + bit / 8] >> UInt8(shift)) & UInt8((1 << depth) - 1))
            }
            samples[output + s] = value
          }
        }
      }
    }

    let count = width * height
    let maximum = Float((1 << depth) - 1)
    switch header.colorType {
    case .palette:
      let entries = palette.count / 3
      let alphas = transparency ?? []
      let channels = transparency == nil ? 3 : 4
      var pixels = [Float](repeating: 0, count: count * channels)
      for i in 0..<count {
        let index = Int(samples[i])
        guard index < entries else {
          throw fail(
            .malformed,
            "pixel (\(i % width), \(i / width)) has palette index \(index), but PLTE has "
              + "\(entries) entries")
        }
        for c in 0..<3 { pixels[c * count + i] = Float(palette[index * 3 + c]) / 255 }
        if channels == 4 {
          pixels[3 * count + i] = index < alphas.count ? Float(alphas[index]) / 255 : 1
        }
      }
      return Image(width: width, height: height, channels: channels, pixels: pixels)

    case .grey, .rgb:
      // A tRNS colour key adds an alpha channel: 0 where every sample equals the key.
      let key: [UInt16]? = transparency.map { body in
        stride(from: 0, to: body.count, by: 2).map { UInt16(body[$0]) << 8 | UInt16(body[$0 + 1]) }
      }
      let channels = stored + (key == nil ? 0 : 1)
      var pixels = [Float](repeating: 0, count: count * channels)
      for i in 0..<count {
        var matches = true
        for c in 0..<stored {
          let value = samples[i * stored + c]
          pixels[c * count + i] = Float(value) / maximum
          if let key, key[c] != value { matches = false }
        }
        if key != nil { pixels[stored * count + i] = matches ? 0 : 1 }
      }
      return Image(width: width, height: height, channels: channels, pixels: pixels)

    case .greyAlpha, .rgba:
      var pixels = [Float](repeating: 0, count: count * stored)
      for i in 0..<count {
        for c in 0..<stored { pixels[c * count + i] = Float(samples[i * stored + c]) / maximum }
      }
      return Image(width: width, height: height, channels: stored, pixels: pixels)
    }
  }
}
