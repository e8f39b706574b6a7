/// The IHDR chunk of a PNG file (PNG spec §11.2.2), validated, with derived row geometry.
struct PNGHeader {
  enum ColorType: Int {
    case grey = 0
    case rgb = 2
    case palette = 3
    case greyAlpha = 4
    case rgba = 6

    /// Samples stored per pixel.
    var samplesPerPixel: Int {
      switch self {
      case .grey, .palette: return 1
      case .greyAlpha: return 2
      case .rgb: return 3
      case .rgba: return 4
      }
    }

    /// The bit depths the spec allows for this colour type (§11.2.2 Table 11.1).
    var allowedBitDepths: [Int] {
      switch self {
      case .grey: return [1, 2, 4, 8, 16]
      case .palette: return [1, 2, 4, 8]
      case .rgb, .greyAlpha, .rgba: return [8, 16]
      }
    }
  }

  let width: Int
  let height: Int
  let bitDepth: Int
  let colorType: ColorType
  let isInterlaced: Bool

  var bitsPerPixel: Int { bitDepth * colorType.samplesPerPixel }
  /// The byte distance filters use for "the pixel to the left": whole bytes per pixel, ≥ 1.
  var filterDistance: Int { max(1, bitsPerPixel / 8) }

  /// Bytes of one filtered row of `width` pixels, without the filter-type byte.
  func rowBytes(width: Int) -> Int { (width * bitsPerPixel + 7) / 8 }

  /// Parses and validates the 13-byte IHDR body.
  /// - Parameter fail: builds an error for a reason.
  init(
    _ body: ArraySlice<UInt8>,
    fail: (ImageDecodingError.Kind, String) -> ImageDecodingError
  ) throws {
    guard body.count == 13 else {
      throw fail(.malformed, "IHDR chunk: length \(body.count), expected 13")
    }
    let b = Array(body)
    func uint32(_ i: Int) -> Int {
      Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3])
    }
    width = uint32(0)
    height = uint32(4)
    bitDepth = Int(b[8])
    guard width > 0 && height > 0 && width <= Int(Int32.max) && height <= Int(Int32.max) else {
      throw fail(.malformed, "IHDR chunk: size \(width)×\(height), expected 1…2³¹−1 each")
    }
    guard width * height <= PNGDecoder.maximumPixelCount else {
      throw fail(
        .unsupported,
        "IHDR chunk: \(width)×\(height) pixels exceeds the limit of "
          + "\(PNGDecoder.maximumPixelCount) pixels")
    }
    guard let colorType = ColorType(rawValue: Int(b[9])) else {
      throw fail(.malformed, "IHDR chunk: colour type \(b[9]), expected 0, 2, 3, 4 or 6")
    }
    self.colorType = colorType
    guard colorType.allowedBitDepths.contains(bitDepth) else {
      let allowed = colorType.allowedBitDepths.map(String.init).joined(separator: ", ")
      throw fail(
        .malformed,
        "IHDR chunk: bit depth \(bitDepth) is not allowed for colour type \(colorType.rawValue) "
          + "(expected \(allowed))")
    }
    guard b[10] == 0 else {
      throw fail(.malformed, "IHDR chunk: compression method \(b[10]), expected 0 (deflate)")
    }
    guard b[11] == 0 else {
      throw fail(.malformed, "IHDR chunk: filter method \(b[11]), expected 0")
    }
    guard b[12] <= 1 else {
      throw fail(.malformed, "IHDR chunk: interlace method \(b[12]), expected 0 or 1 (Adam7)")
    }
    isInterlaced = b[12] == 1
  }
}
