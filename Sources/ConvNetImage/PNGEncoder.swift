import ConvNetCompression

/// Encodes 8-bit PNG files (ISO/IEC 15948): greyscale, grey + alpha, RGB and RGBA, not
/// interlaced, compressed with `ConvNetCompression.Zlib`.
///
/// Each row gets the filter (none, sub, up, average or Paeth) whose output has the smallest
/// sum of absolute values read as signed bytes — the heuristic the PNG specification suggests
/// (§12.8) and libpng uses — because rows of small differences compress best. The file holds
/// IHDR, IDAT chunks of at most 64 KiB and IEND, each with its CRC-32.
public enum PNGEncoder {
  /// The sample layouts written, by PNG colour type.
  public enum ColorType: Int, Sendable {
    case grey = 0
    case rgb = 2
    case greyAlpha = 4
    case rgba = 6

    /// Interleaved samples per pixel.
    public var channels: Int {
      switch self {
      case .grey: return 1
      case .greyAlpha: return 2
      case .rgb: return 3
      case .rgba: return 4
      }
    }

    /// The colour type of an image with `channels` channels (1…4).
    public init?(channels: Int) {
      switch channels {
      case 1: self = .grey
      case 2: self = .greyAlpha
      case 3: self = .rgb
      case 4: self = .rgba
      default: return nil
      }
    }
  }

  /// IDAT chunks are cut to at most this many bytes, as libpng does, so that streaming
  /// readers need not hold one huge chunk.
  static let maximumChunkLength = 65536

  /// Encodes interleaved 8-bit samples: rows top to bottom, pixels left to right, the
  /// `colorType.channels` samples of a pixel together (Pillow's `tobytes()` order).
  /// - Parameters:
  ///   - level: the zlib level, 0 (store) … 9; 6 is zlib's and Pillow's default.
  /// - Throws: `ImageEncodingError` when the size is not 1…2³¹−1 on each side or `samples`
  ///   does not hold width·height·channels values.
  public static func encode(
    width: Int, height: Int, colorType: ColorType, samples: [UInt8], level: Int = 6
  ) throws -> [UInt8] {
    let limit = Int(Int32.max)
    guard (1...limit).contains(width) else {
      throw ImageEncodingError(format: "PNG", reason: "width \(width), expected 1…\(limit)")
    }
    guard (1...limit).contains(height) else {
      throw ImageEncodingError(format: "PNG", reason: "height \(height), expected 1…\(limit)")
    }
    let (rowBytes, rowOverflow) = width.multipliedReportingOverflow(by: colorType.channels)
    let (total, totalOverflow) = rowBytes.multipliedReportingOverflow(by: height)
    guard !rowOverflow && !totalOverflow && samples.count == total else {
      let expected = rowOverflow || totalOverflow ? "fewer pixels" : String(total)
      throw ImageEncodingError(
        format: "PNG",
        reason: "\(samples.count) samples for a \(width)×\(height) image with "
          + "\(colorType.channels) channel(s), expected \(expected)")
    }
    let filtered = filterRows(
      samples, width: width, height: height, bytesPerPixel: colorType.channels)
    let compressed = Zlib.compress(filtered, level: level)

    var file = PNGDecoder.signature
    var header: [UInt8] = []
    appendUInt32(UInt32(width), to: &header)
    appendUInt32(UInt32(height), to: &header)
    // Bit depth 8, colour type, compression 0 (deflate), filter method 0, no interlace.
    header += [8, UInt8(colorType.rawValue), 0, 0, 0]
    appendChunk("IHDR", header, to: &file)
    var start = 0
    repeat {
      let end = min(compressed.count, start + maximumChunkLength)
      appendChunk("IDAT", compressed[start..<end], to: &file)
      start = end
    } while start < compressed.count
    appendChunk("IEND", [], to: &file)
    return file
  }

  /// Encodes an `Image` with 1–4 channels as grey, grey + alpha, RGB or RGBA. Values are
  /// clamped to [0, 1] and rounded to the nearest of 256 levels (NaN becomes 0).
  /// - Throws: `ImageEncodingError` for an empty image.
  public static func encode(_ image: Image, level: Int = 6) throws -> [UInt8] {
    guard let colorType = ColorType(channels: image.channels) else {
      throw ImageEncodingError(
        format: "PNG", reason: "\(image.channels) channels, expected 1…4")
    }
    let plane = image.width * image.height
    var samples = [UInt8](repeating: 0, count: plane * image.channels)
    for c in 0..<image.channels {
      for i in 0..<plane {
        samples[i * image.channels + c] = eightBit(image.pixels[c * plane + i])
      }
    }
    return try encode(
      width: image.width, height: image.height, colorType: colorType, samples: samples,
      level: level)
  }

  /// The 8-bit sample nearest to `value` in [0, 1].
  @inline(__always)
  static func eightBit(_ value: Float) -> UInt8 {
    guard value > 0 else { return 0 }  // also NaN
    guard value < 1 else { return 255 }
    return UInt8((value * 255).rounded())
  }

  /// Each row prefixed with its filter type and filtered (PNG spec §9.2), the filter chosen
  /// by the minimum sum of absolute differences.
  static func filterRows(
    _ samples: [UInt8], width: Int, height: Int, bytesPerPixel bpp: Int
  ) -> [UInt8] {
    let rowBytes = width * bpp
    var output = [UInt8](repeating: 0, count: height * (rowBytes + 1))
    var candidates = [[UInt8]](repeating: [UInt8](repeating: 0, count: rowBytes), count: 5)
    let zeros = [UInt8](repeating: 0, count: rowBytes)
    samples.withUnsafeBufferPointer { source in
      zeros.withUnsafeBufferPointer { zeroRow in
        for y in 0..<height {
          let row = UnsafeBufferPointer(rebasing: source[(y * rowBytes)..<((y + 1) * rowBytes)])
          let above =
            y > 0
            ? UnsafeBufferPointer(rebasing: source[((y - 1) * rowBytes)..<(y * rowBytes)])
            : zeroRow
          var bestType = 0
          var bestCost = Int.max
          for type in 0..<5 {
            let cost = candidates[type].withUnsafeMutableBufferPointer { out in
              filter(type: type, row: row, above: above, bpp: bpp, into: out)
            }
            if cost < bestCost {
              bestCost = cost
              bestType = type
            }
          }
          let start = y * (rowBytes + 1)
          output[start] = UInt8(bestType)
          output.replaceSubrange((start + 1)..<(start + 1 + rowBytes), with: candidates[bestType])
        }
      }
    }
    return output
  }

  /// Applies filter `type` to `row` and returns the sum of |output byte as Int8|.
  static func filter(
    type: Int, row: UnsafeBufferPointer<UInt8>, above: UnsafeBufferPointer<UInt8>, bpp: Int,
    into out: UnsafeMutableBufferPointer<UInt8>
  ) -> Int {
    var cost = 0
    for i in 0..<row.count {
      let x = row[i]
      let a = i >= bpp ? row[i - bpp] : 0
      let b = above[i]
      let predictor: UInt8
      switch type {
      case 0: predictor = 0
      case 1: predictor = a
      case 2: predictor = b
      case 3: predictor = UInt8((Int(a) + Int(b)) / 2)
      default:
        let c = i >= bpp ? above[i - bpp] : 0
        predictor = paeth(a, b, c)
      }
      let value = x &- predictor
      out[i] = value
      cost += abs(Int(Int8(bitPattern: value)))
    }
    return cost
  }

  /// The Paeth predictor (PNG spec §9.4): whichever of left, above and upper-left is closest
  /// to left + above − upper-left, ties in that order.
  @inline(__always)
  static func paeth(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
    let p = Int(a) + Int(b) - Int(c)
    let pa = abs(p - Int(a))
    let pb = abs(p - Int(b))
    let pc = abs(p - Int(c))
    if pa <= pb && pa <= pc { return a }
    return pb <= pc ? b : c
  }

  static func appendUInt32(_ value: UInt32, to bytes: inout [UInt8]) {
    bytes += [
      UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF),
      UInt8(value & 0xFF),
    ]
  }

  /// Appends a chunk: length, type, body, and the CRC-32 of type and body (PNG spec §5.3).
  static func appendChunk(
    _ type: String, _ body: some Collection<UInt8>, to file: inout [UInt8]
  ) {
    appendUInt32(UInt32(body.count), to: &file)
    let typeStart = file.count
    file += Array(type.utf8)
    file += body
    let crc = CRC32.checksum(of: file[typeStart...])
    appendUInt32(crc, to: &file)
  }
}
