import Foundation

/// Decodes an image file of either supported format, recognised by its first bytes (the
/// file name's extension is not consulted).
public enum ImageDecoder {
  /// The file formats `ImageDecoder` recognises.
  public enum Format: String, Sendable {
    case png = "PNG"
    case jpeg = "JPEG"
  }

  /// The format announced by the magic bytes at the start of `bytes`, or nil: PNG files start
  /// 89 50 4E 47 ("\u{89}PNG"), JPEG files FF D8 (SOI).
  public static func format(of bytes: [UInt8]) -> Format? {
    if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return .png }
    if bytes.starts(with: [0xFF, 0xD8]) { return .jpeg }
    return nil
  }

  /// Reads and decodes the image file at `url`; errors name the file's last path component.
  /// - Throws: Foundation's error when the file cannot be read; `ImageDecodingError` when it
  ///   is not a PNG or JPEG file or cannot be decoded.
  public static func decode(contentsOf url: URL) throws -> Image {
    let data = try Data(contentsOf: url)
    return try decode([UInt8](data), name: url.lastPathComponent)
  }

  /// Decodes a PNG or JPEG file held in memory.
  /// - Parameters:
  ///   - bytes: the whole file.
  ///   - name: the file name (or another label) used in error messages.
  public static func decode(_ bytes: [UInt8], name: String) throws -> Image {
    switch format(of: bytes) {
    case .png: return try PNGDecoder.decode(bytes, name: name)
    case .jpeg: return try JPEGDecoder.decode(bytes, name: name)
    case nil:
      let start =
        bytes.isEmpty
        ? "the file is empty" : "starts with " + bytes.prefix(4).map { hex($0) }.joined(separator: " ")
      throw ImageDecodingError(
        file: name, format: "", kind: .unknownFormat, reason: "not a PNG or JPEG file (\(start))")
    }
  }

  /// Decodes a PNG or JPEG file held in `data`; see `decode(_:name:)`.
  public static func decode(_ data: Data, name: String) throws -> Image {
    try decode([UInt8](data), name: name)
  }
}
