import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The size check made before an image is decoded: a 783 KB PNG can announce 16384×16384 RGB
/// pixels and, decoded, take gigabytes.
extension ImageDecoder {
  /// The default cap on width × height × channels: 67,108,864 values (an 8192×8192 grey or a
  /// 4729×4729 RGB image), 256 MiB once decoded to floats.
  public static let defaultMaximumSampleCount = 1 << 26

  /// Width, height and channel count announced by a PNG's IHDR or a JPEG's frame header, read
  /// without decoding; nil when `bytes` is neither or the header is not found.
  /// Channels: PNG grey 1, grey+alpha 2, RGB and palette 3, RGBA 4; JPEG its component count.
  public static func announcedSize(of bytes: [UInt8]) -> (width: Int, height: Int, channels: Int)? {
    func uint16(_ at: Int) -> Int { Int(bytes[at]) << 8 | Int(bytes[at + 1]) }
    func uint32(_ at: Int) -> Int { uint16(at) << 16 | uint16(at + 2) }
    switch format(of: bytes) {
    case .png:
      // Signature (8), IHDR length (4) and type (4), then width, height, depth, colour type.
      guard bytes.count >= 26, Array(bytes[12..<16]) == Array("IHDR".utf8) else { return nil }
      let channels = [0: 1, 2: 3, 3: 3, 4: 2, 6: 4][Int(bytes[25])] ?? 4
      return (uint32(16), uint32(20), channels)
    case .jpeg:
      var position = 2
      while position + 4 <= bytes.count {
        guard bytes[position] == 0xFF else { return nil }
        let marker = bytes[position + 1]
        if marker == 0xFF {
          position += 1
          continue
        }  // fill byte
        if marker == 0x01 || (0xD0...0xD7).contains(marker) {
          position += 2
          continue
        }
        if marker == 0xDA || marker == 0xD9 { return nil }  // scan or end before any frame
        let length = uint16(position + 2)
        let isFrame = (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
        if isFrame {
          guard position + 10 <= bytes.count else { return nil }
          return (uint16(position + 7), uint16(position + 5), Int(bytes[position + 9]))
        }
        position += 2 + length
      }
      return nil
    case nil:
      return nil
    }
  }

  /// Decodes a PNG or JPEG file held in memory after checking that its announced width ×
  /// height × channels does not exceed `maximumSampleCount`.
  /// - Throws: `ImageDecodingError` of kind `.unsupported` for a larger image (nothing is
  ///   decoded), or any error of `decode(_:name:)`.
  public static func decode(_ bytes: [UInt8], name: String, maximumSampleCount: Int) throws -> Image {
    if let size = announcedSize(of: bytes) {
      let (product, overflow) = size.width.multipliedReportingOverflow(by: size.height)
      let values = overflow ? Int.max : product.multipliedReportingOverflow(by: size.channels).partialValue
      if overflow || values > maximumSampleCount || values < 0 {
        throw ImageDecodingError(
          file: name, format: format(of: bytes)?.rawValue ?? "", kind: .unsupported,
          reason: "\(size.width)×\(size.height) pixels × \(size.channels) channel(s) = \(values) "
            + "values exceeds the limit of \(maximumSampleCount) set to bound memory")
      }
    }
    return try decode(bytes, name: name)
  }

  /// Reads and decodes the image file at `url` (see `decode(_:name:maximumSampleCount:)`);
  /// errors name the file's last path component. A directory, FIFO or device is refused
  /// without being read.
  public static func decode(contentsOf url: URL, maximumSampleCount: Int) throws -> Image {
    var status = stat()
    if stat(url.path, &status) == 0 && status.st_mode & S_IFMT != S_IFREG {
      throw ImageDecodingError(
        file: url.path, format: "", kind: .unknownFormat,
        reason: status.st_mode & S_IFMT == S_IFDIR
          ? "is a directory, expected a file" : "is not a regular file")
    }
    let data = try Data(contentsOf: url)
    return try decode([UInt8](data), name: url.lastPathComponent, maximumSampleCount: maximumSampleCount)
  }
}
