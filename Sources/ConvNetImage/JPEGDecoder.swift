import Foundation

/// Decodes JPEG (JFIF/Exif) files: baseline and extended sequential DCT (SOF0, SOF1) and
/// progressive DCT (SOF2), Huffman coded, 8-bit samples, greyscale or 3-component colour.
///
/// The output matches libjpeg-turbo's defaults (and hence Pillow's `Image.open(...).convert`)
/// sample for sample: the accurate integer IDCT (`JDCT_ISLOW`), "fancy" triangle-filter
/// upsampling for 2:1 chroma (4:2:2, 4:2:0, 4:4:0), sample replication for other integer
/// ratios (4:1:1), and libjpeg's fixed-point YCbCr → RGB conversion (JFIF full range).
///
/// Colour space of 3-component files, as libjpeg decides it: a JFIF APP0 marker means YCbCr;
/// otherwise an Adobe APP14 marker's transform flag decides (0 = RGB, else YCbCr); otherwise
/// component ids "R", "G", "B" mean RGB; anything else is taken as YCbCr.
///
/// Refused with `ImageDecodingError.Kind.unsupported`: arithmetic coding (SOF9–SOF15),
/// lossless (SOF3), hierarchical (SOF5–SOF7), precision other than 8 bits, 4-component
/// (CMYK/YCCK) and other component counts, a height given by a DNL marker, and images over
/// 2^28 pixels. The Exif orientation tag is ignored: pixels are returned in stored order.
public enum JPEGDecoder {
  /// Decodes a JPEG file.
  /// - Parameters:
  ///   - data: the whole file.
  ///   - name: the file name (or another label) used in error messages.
  /// - Returns: an image with 1 (grey) or 3 (RGB) channels, values v/255.
  /// - Throws: `ImageDecodingError` naming the file, the marker and what was expected.
  public static func decode(_ data: Data, name: String) throws -> Image {
    try decode([UInt8](data), name: name)
  }

  /// Decodes a JPEG file held in `bytes`; see `decode(_:name:)`.
  public static func decode(_ bytes: [UInt8], name: String) throws -> Image {
    var state = JPEGDecodingState(bytes: bytes, name: name)
    return try state.decode()
  }

  /// The largest image accepted, in pixels, so a corrupt header cannot demand gigabytes.
  static let maximumPixelCount = 1 << 28
}

/// Everything the marker segments define while a file is read.
struct JPEGDecodingState {
  let bytes: [UInt8]
  let name: String
  var position = 0
  /// DQT tables 0…3, natural order.
  var quantizationTables: [[Int32]?] = [nil, nil, nil, nil]
  var dcTables: [JPEGHuffmanTable?] = [nil, nil, nil, nil]
  var acTables: [JPEGHuffmanTable?] = [nil, nil, nil, nil]
  var restartInterval = 0
  var frame: JPEGFrame?
  var coefficients: [Int16] = []
  var scanCount = 0
  var sawJFIF = false
  var adobeTransform: Int?

  init(bytes: [UInt8], name: String) {
    self.bytes = bytes
    self.name = name
  }

  func error(_ kind: ImageDecodingError.Kind, _ reason: String) -> ImageDecodingError {
    ImageDecodingError(file: name, format: "JPEG", kind: kind, reason: reason)
  }

  /// Reads markers from SOI to EOI, decoding each scan as it comes, then produces the image.
  mutating func decode() throws -> Image {
    guard bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xD8 else {
      let start = bytes.prefix(2).map { hex($0) }.joined(separator: " ")
      throw error(.malformed, "missing SOI marker: expected FF D8, file starts with \(start)")
    }
    position = 2
    markers: while true {
      guard let (marker, offset) = nextMarker() else {
        throw error(.truncated, "data ends at byte \(bytes.count) before the EOI marker")
      }
      let label = "\(markerName(marker)) marker at byte \(offset)"
      switch marker {
      case 0xD9:
        break markers
      case 0xC0, 0xC1, 0xC2:
        try readFrameHeader(try segment(label), isProgressive: marker == 0xC2)
      case 0xC3:
        throw error(.unsupported, "\(label): lossless JPEG is not supported")
      case 0xC5, 0xC6, 0xC7:
        throw error(.unsupported, "\(label): hierarchical (differential) JPEG is not supported")
      case 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF, 0xCC:
        throw error(.unsupported, "\(label): arithmetic coding is not supported")
      case 0xC4:
        try readHuffmanTables(try segment(label))
      case 0xDB:
        try readQuantizationTables(try segment(label))
      case 0xDD:
        var segment = try segment(label)
        restartInterval = try segment.uint16("restart interval")
        try segment.requireEnd()
      case 0xDA:
        try readScan(try segment(label), offset: offset)
      case 0xE0:
        let segment = try segment(label)
        if segment.remaining >= 5 && Array(bytes[segment.position..<(segment.position + 5)])
          == Array("JFIF\0".utf8)
        {
          sawJFIF = true
        }
      case 0xEE:
        let segment = try segment(label)
        // "Adobe", version(2), flags0(2), flags1(2), transform(1).
        let p = segment.position
        if segment.remaining >= 12 && Array(bytes[p..<(p + 5)]) == Array("Adobe".utf8) {
          adobeTransform = Int(bytes[p + 11])
        }
      case 0xD0...0xD7, 0x01:
        continue  // stand-alone markers outside a scan carry nothing
      case 0xD8:
        throw error(.malformed, "\(label): a second SOI marker inside the file")
      case 0xDC:
        throw error(.unsupported, "\(label): DNL (height defined after the scan) is not supported")
      default:
        _ = try segment(label)  // APPn, COM and other segments are skipped
      }
    }
    guard let frame else {
      throw error(.malformed, "EOI reached without a frame header (SOF marker)")
    }
    guard scanCount > 0 else {
      throw error(.malformed, "EOI reached without any scan (SOS marker)")
    }
    return try JPEGOutput.image(
      frame: frame, coefficients: coefficients, colorTransform: isYCbCr(frame))
  }

  /// Whether 3-component data is YCbCr (true) or RGB (false); see `JPEGDecoder`.
  private func isYCbCr(_ frame: JPEGFrame) -> Bool {
    if sawJFIF { return true }
    if let adobeTransform { return adobeTransform != 0 }
    let ids = frame.components.map(\.id)
    return ids != [82, 71, 66]
  }

  /// Finds the next marker from `position`, skipping stray bytes as libjpeg does; returns its
  /// code and the offset of its 0xFF, leaving `position` after it.
  private mutating func nextMarker() -> (UInt8, Int)? {
    var reader = JPEGBitReader(bytes: bytes, position: position)
    let found = reader.nextMarker()
    position = reader.position
    return found.map { ($0.marker, $0.offset) }
  }

  /// Reads a segment's 2-byte length and returns a cursor over its payload.
  private mutating func segment(_ label: String) throws -> JPEGSegment {
    guard position + 2 <= bytes.count else {
      throw error(.truncated, "\(label): data ends inside the segment length")
    }
    let length = Int(bytes[position]) << 8 | Int(bytes[position + 1])
    guard length >= 2 else {
      throw error(.malformed, "\(label): segment length \(length), expected at least 2")
    }
    guard position + length <= bytes.count else {
      throw error(
        .truncated,
        "\(label): segment length \(length) runs past the end of the data "
          + "(\(bytes.count - position) bytes left)")
    }
    let segment = JPEGSegment(
      bytes: bytes, start: position + 2, end: position + length, label: label,
      fail: { [name] kind, reason in
        ImageDecodingError(file: name, format: "JPEG", kind: kind, reason: reason)
      })
    position += length
    return segment
  }
}

/// The conventional name of a marker code, e.g. "SOF2", "APP14", "RST3".
func markerName(_ marker: UInt8) -> String {
  switch marker {
  case 0xC4: return "DHT"
  case 0xCC: return "DAC"
  case 0xC0...0xCF: return "SOF\(marker - 0xC0)"
  case 0xD0...0xD7: return "RST\(marker - 0xD0)"
  case 0xD8: return "SOI"
  case 0xD9: return "EOI"
  case 0xDA: return "SOS"
  case 0xDB: return "DQT"
  case 0xDC: return "DNL"
  case 0xDD: return "DRI"
  case 0xE0...0xEF: return "APP\(marker - 0xE0)"
  case 0xFE: return "COM"
  default: return "0xFF\(hex(marker))"
  }
}
