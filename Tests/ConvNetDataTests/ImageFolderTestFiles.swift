import ConvNetCompression
import ConvNetImage
import Foundation

/// Files for image-folder tests.
///
/// "Fake" images are 4-byte files [channels, width, height, v] read by `fakeDecode`: channel c
/// of every pixel is (v + 10·c) / 255. A file starting with byte 0 is unreadable. This keeps
/// folder logic tests independent of the PNG/JPEG decoders; `png(width:height:grey:)` makes a
/// real PNG for the one test of the default decoder.
enum ImageFolderTestFiles {
  static func fake(channels: UInt8, width: UInt8, height: UInt8, value: UInt8) -> [UInt8] {
    [channels, width, height, value]
  }

  static let unreadable: [UInt8] = [0, 0, 0, 0]

  struct FakeDecodingError: Error, CustomStringConvertible {
    let name: String
    var description: String { "\(name): not a fake image" }
  }

  @Sendable static func fakeDecode(_ url: URL) throws -> Image {
    let bytes = [UInt8](try Data(contentsOf: url))
    guard bytes.count == 4, bytes[0] >= 1 else {
      throw FakeDecodingError(name: url.lastPathComponent)
    }
    let (channels, width, height) = (Int(bytes[0]), Int(bytes[1]), Int(bytes[2]))
    var pixels: [Float] = []
    for c in 0..<channels {
      pixels += [Float](repeating: Float(Int(bytes[3]) + 10 * c) / 255, count: width * height)
    }
    return Image(width: width, height: height, channels: channels, pixels: pixels)
  }

  /// An 8-bit greyscale PNG (colour type 0) whose pixels are `grey`, row by row, stored
  /// uncompressed (a zlib stream of one stored DEFLATE block), each row with filter 0.
  static func png(width: Int, height: Int, grey: [UInt8]) -> [UInt8] {
    func bigEndian(_ value: UInt32) -> [UInt8] {
      [
        UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF),
        UInt8(value & 0xFF),
      ]
    }
    func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
      let typed = Array(type.utf8) + data
      return bigEndian(UInt32(data.count)) + typed + bigEndian(CRC32.checksum(of: typed))
    }
    var raw: [UInt8] = []
    for row in 0..<height { raw += [0] + grey[(row * width)..<((row + 1) * width)] }
    let length = UInt16(raw.count)
    let zlib: [UInt8] =
      [
        0x78, 0x01, 0x01, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF),
        UInt8(~length >> 8),
      ] + raw + bigEndian(Adler32.checksum(of: raw))
    let header = bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, 0, 0, 0, 0]
    return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header)
      + chunk("IDAT", zlib) + chunk("IEND", [])
  }
}

extension IDXTestDirectory {
  /// Writes `bytes` at the relative `path`, creating its folders.
  @discardableResult
  func write(path: String, _ bytes: [UInt8]) throws -> URL {
    let file = url.appendingPathComponent(path)
    try FileManager.default.createDirectory(
      at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(bytes).write(to: file)
    return file
  }
}
