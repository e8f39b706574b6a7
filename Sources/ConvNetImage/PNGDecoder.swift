import ConvNetCompression
import Foundation

/// Decodes PNG files (ISO/IEC 15948): every colour type and bit depth, Adam7 interlacing,
/// all five row filters, palettes and tRNS transparency.
///
/// Output channels: grey → 1, grey + alpha → 2, RGB → 3, RGBA → 4; a palette gives RGB, or
/// RGBA when a tRNS chunk is present; grey and RGB with a tRNS colour key gain an alpha
/// channel (0 where the pixel equals the key, else 1). Samples of depth d map to v/(2^d − 1).
///
/// Checked: the signature, every chunk's CRC-32, IHDR's fields, chunk order (IHDR first,
/// PLTE and tRNS before IDAT), palette presence and indices, the zlib stream (via
/// `ConvNetCompression.Zlib`), that the inflated data covers every row, and IEND. Ancillary
/// chunks (gAMA, iCCP, tEXt, …) are ignored, so no gamma or colour-profile correction is
/// applied; unknown critical chunks are refused.
public enum PNGDecoder {
  /// The eight signature bytes every PNG file starts with.
  public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

  /// The largest image accepted, in pixels, so a corrupt header cannot demand gigabytes.
  static let maximumPixelCount = 1 << 28

  /// Decodes a PNG file.
  /// - Parameters:
  ///   - data: the whole file.
  ///   - name: the file name (or another label) used in error messages.
  /// - Throws: `ImageDecodingError` naming the file, the chunk and what was expected.
  public static func decode(_ data: Data, name: String) throws -> Image {
    try decode([UInt8](data), name: name)
  }

  /// Decodes a PNG file held in `bytes`; see `decode(_:name:)`.
  public static func decode(_ bytes: [UInt8], name: String) throws -> Image {
    func fail(_ kind: ImageDecodingError.Kind, _ reason: String) -> ImageDecodingError {
      ImageDecodingError(file: name, format: "PNG", kind: kind, reason: reason)
    }
    guard bytes.count >= 8, Array(bytes[0..<8]) == signature else {
      let start = bytes.prefix(8).map { hex($0) }.joined(separator: " ")
      throw fail(
        .malformed, "bad signature: expected 89 50 4E 47 0D 0A 1A 0A, found \(start)")
    }
    let chunks = try PNGChunks(bytes, fail: fail)
    let header = chunks.header
    // Unfilter each pass in turn; passes follow one another in the inflated data.
    let passes = PNGPass.passes(for: header)
    var expected = 0
    for pass in passes where pass.width > 0 && pass.height > 0 {
      expected += pass.height * (header.rowBytes(width: pass.width) + 1)
    }
    var data: [UInt8]
    do {
      // Capped near what the header needs (extra bytes are tolerated, as before), so that a
      // small file cannot inflate to gigabytes.
      data = try Zlib.decompress(chunks.imageData, maximumSize: expected + 65536)
    } catch let error as CompressionError {
      let kind: ImageDecodingError.Kind =
        switch error.kind {
        case .truncated: .truncated
        case .checksumMismatch: .checksumMismatch
        default: .malformed
        }
      throw fail(kind, "IDAT data: \(error)")
    }

    guard data.count >= expected else {
      throw fail(
        .truncated,
        "IDAT data inflates to \(data.count) bytes, but a \(header.width)×\(header.height) "
          + "image of colour type \(header.colorType.rawValue), bit depth \(header.bitDepth)"
          + "\(header.isInterlaced ? " (Adam7)" : "") needs \(expected)")
    }
    var start = 0
    var passStarts: [Int] = []
    for (index, pass) in passes.enumerated() {
      passStarts.append(start)
      guard pass.width > 0 && pass.height > 0 else { continue }
      let rowBytes = header.rowBytes(width: pass.width)
      if let bad = PNGUnfilter.unfilter(
        &data, start: start, rowBytes: rowBytes, height: pass.height,
        distance: header.filterDistance)
      {
        let place =
          header.isInterlaced ? "row \(bad.row) of Adam7 pass \(index + 1)" : "row \(bad.row)"
        throw fail(.malformed, "IDAT data: \(place) has filter type \(bad.type), expected 0…4")
      }
      start += pass.height * (rowBytes + 1)
    }
    return try PNGPixels.image(
      header: header, palette: chunks.palette, transparency: chunks.transparency,
      data: data, passes: passes, passStarts: passStarts, fail: fail)
  }
}

/// The chunks of a PNG file that matter for decoding, read and checked in order.
struct PNGChunks {
  var header: PNGHeader
  /// PLTE entries as r, g, b triples.
  var palette: [UInt8] = []
  /// The tRNS body: palette alphas, or a 2-byte grey / 6-byte RGB key.
  var transparency: [UInt8]?
  /// All IDAT bodies concatenated: one zlib stream.
  var imageData: [UInt8] = []

  init(
    _ bytes: [UInt8], fail: (ImageDecodingError.Kind, String) -> ImageDecodingError
  ) throws {
    var position = 8
    var parsedHeader: PNGHeader?
    var sawIDAT = false
    var sawIEND = false
    while !sawIEND {
      guard position + 8 <= bytes.count else {
        throw fail(
          .truncated,
          "data ends at byte \(bytes.count) \(position == bytes.count ? "before" : "inside") a "
            + "chunk header; no IEND chunk")
      }
      let length =
        Int(bytes[position]) << 24 | Int(bytes[position + 1]) << 16
        | Int(bytes[position + 2]) << 8 | Int(bytes[position + 3])
      let typeBytes = Array(bytes[(position + 4)..<(position + 8)])
      let isLetters = typeBytes.allSatisfy { (65...90).contains($0) || (97...122).contains($0) }
      let type =
        isLetters
        ? String(decoding: typeBytes, as: UTF8.self)
        : typeBytes.map { hex($0) }.joined(separator: " ")
      let label = "\(type) chunk at byte \(position)"
      guard isLetters else {
        throw fail(.malformed, "chunk at byte \(position): type bytes \(type) are not letters")
      }
      guard length <= Int(Int32.max) else {
        throw fail(.malformed, "\(label): length \(length) exceeds 2³¹−1")
      }
      guard position + 12 + length <= bytes.count else {
        throw fail(
          .truncated,
          "\(label): length \(length) plus CRC runs past the end of the data "
            + "(\(bytes.count - position - 8) bytes left)")
      }
      let bodyStart = position + 8
      let bodyEnd = bodyStart + length
      let stored =
        UInt32(bytes[bodyEnd]) << 24 | UInt32(bytes[bodyEnd + 1]) << 16
        | UInt32(bytes[bodyEnd + 2]) << 8 | UInt32(bytes[bodyEnd + 3])
      let computed = CRC32.checksum(of: bytes[(position + 4)..<bodyEnd])
      guard stored == computed else {
        throw fail(
          .checksumMismatch,
          "\(label): CRC mismatch: stored 0x\(hex32(stored)), computed 0x\(hex32(computed))")
      }
      let body = bytes[bodyStart..<bodyEnd]
      position = bodyEnd + 4

      if parsedHeader == nil && type != "IHDR" {
        throw fail(.malformed, "\(label): the first chunk must be IHDR")
      }
      switch type {
      case "IHDR":
        guard parsedHeader == nil else { throw fail(.malformed, "\(label): a second IHDR chunk") }
        parsedHeader = try PNGHeader(body, fail: fail)
      case "PLTE":
        guard !sawIDAT else { throw fail(.malformed, "\(label): PLTE after IDAT") }
        guard length % 3 == 0 && (3...768).contains(length) else {
          throw fail(.malformed, "\(label): length \(length), expected 3…768 and a multiple of 3")
        }
        if let header = parsedHeader, header.colorType == .grey || header.colorType == .greyAlpha {
          throw fail(.malformed, "\(label): a palette is not allowed for a greyscale image")
        }
        palette = Array(body)
      case "tRNS":
        guard !sawIDAT else { throw fail(.malformed, "\(label): tRNS after IDAT") }
        transparency = Array(body)
      case "IDAT":
        sawIDAT = true
        imageData.append(contentsOf: body)
      case "IEND":
        sawIEND = true
      default:
        // Bit 5 of the first type byte clear marks a critical chunk (PNG spec §5.4).
        if typeBytes[0] & 0x20 == 0 {
          throw fail(.unsupported, "\(label): unknown critical chunk")
        }
      }
    }
    guard let header = parsedHeader else { throw fail(.malformed, "no IHDR chunk") }
    self.header = header
    guard sawIDAT else { throw fail(.malformed, "no IDAT chunk before IEND") }
    if header.colorType == .palette && palette.isEmpty {
      throw fail(.malformed, "colour type 3 (palette) but no PLTE chunk before IDAT")
    }
    if let transparency { try checkTransparency(transparency, fail: fail) }
  }

  /// tRNS must suit the colour type (PNG spec §11.3.2.1).
  private func checkTransparency(
    _ body: [UInt8], fail: (ImageDecodingError.Kind, String) -> ImageDecodingError
  ) throws {
    switch header.colorType {
    case .palette:
      guard body.count <= palette.count / 3 else {
        throw fail(
          .malformed,
          "tRNS chunk: \(body.count) alpha values for a palette of \(palette.count / 3) entries")
      }
    case .grey:
      guard body.count == 2 else {
        throw fail(.malformed, "tRNS chunk: length \(body.count), expected 2 for greyscale")
      }
    case .rgb:
      guard body.count == 6 else {
        throw fail(.malformed, "tRNS chunk: length \(body.count), expected 6 for RGB")
      }
    case .greyAlpha, .rgba:
      throw fail(
        .malformed,
        "tRNS chunk: not allowed for colour type \(header.colorType.rawValue), "
          + "which has an alpha channel")
    }
  }
}

/// Eight upper-case hexadecimal digits.
func hex32(_ value: UInt32) -> String {
  (0..<4).map { hex(UInt8(truncatingIfNeeded: value >> UInt32(24 - 8 * $0))) }.joined()
}
