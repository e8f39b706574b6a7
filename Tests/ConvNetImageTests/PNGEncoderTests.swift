import ConvNetCompression
import ConvNetImage
import Foundation
import XCTest

/// PNGEncoder: files decode to the encoded samples through the project's PNGDecoder and
/// through Pillow; chunk CRCs are checked with a bitwise CRC-32 written here.
final class PNGEncoderTests: XCTestCase {
  /// Test pictures: smooth ramps (the filters' best case), noise, flat areas and edges.
  static func samples(width: Int, height: Int, channels: Int, seed: UInt64) -> [UInt8] {
    var state = seed
    var out: [UInt8] = []
    out.reserveCapacity(width * height * channels)
    for y in 0..<height {
      for x in 0..<width {
        for c in 0..<channels {
          state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
          let noise = Int(state >> 61)
          let value: Int
          switch (x / 8 + c) % 4 {
          case 0: value = x * 4 + y * c
          case 1: value = y * 5 + noise
          case 2: value = (x + y) % 9 == 0 ? 255 : 30
          default: value = Int(state >> 56)
          }
          out.append(UInt8(truncatingIfNeeded: value))
        }
      }
    }
    return out
  }

  static let cases: [(name: String, width: Int, height: Int, type: PNGEncoder.ColorType)] = [
    ("grey-1x1", 1, 1, .grey), ("grey-37x23", 37, 23, .grey), ("greyalpha-13x9", 13, 9, .greyAlpha),
    ("rgb-64x48", 64, 48, .rgb), ("rgb-1x40", 1, 40, .rgb), ("rgba-33x17", 33, 17, .rgba),
    ("rgb-300x250", 300, 250, .rgb),
  ]

  func testRoundTripThroughOwnDecoder() throws {
    for (index, c) in PNGEncoderTests.cases.enumerated() {
      let samples = PNGEncoderTests.samples(
        width: c.width, height: c.height, channels: c.type.channels, seed: UInt64(index))
      for level in [0, 1, 6, 9] {
        let file = try PNGEncoder.encode(
          width: c.width, height: c.height, colorType: c.type, samples: samples, level: level)
        let image = try PNGDecoder.decode(file, name: c.name)
        XCTAssertEqual(image.width, c.width, c.name)
        XCTAssertEqual(image.height, c.height, c.name)
        XCTAssertEqual(image.channels, c.type.channels, c.name)
        XCTAssertEqual(interleavedBytes(image), samples, "\(c.name) level \(level)")
      }
    }
  }

  func testEveryFilterTypeIsChosenAndChunksAreWellFormed() throws {
    let (width, height) = (300, 250)
    let samples = PNGEncoderTests.samples(width: width, height: height, channels: 3, seed: 5)
    let file = try PNGEncoder.encode(width: width, height: height, colorType: .rgb, samples: samples)
    let chunks = try parseChunks(file)
    XCTAssertEqual(chunks.first?.type, "IHDR")
    XCTAssertEqual(chunks.last?.type, "IEND")
    XCTAssertEqual(
      chunks.first?.body, [0, 0, 1, 44, 0, 0, 0, 250, 8, 2, 0, 0, 0], "IHDR: 300×250, 8-bit RGB")
    for chunk in chunks {
      XCTAssertEqual(chunk.storedCRC, bitwiseCRC32(Array(chunk.type.utf8) + chunk.body), chunk.type)
    }
    let idat = chunks.filter { $0.type == "IDAT" }
    XCTAssertTrue(idat.allSatisfy { $0.body.count <= 65536 })
    let filtered = try Zlib.decompress(idat.flatMap { $0.body })
    XCTAssertEqual(filtered.count, height * (width * 3 + 1))
    let types = Set((0..<height).map { filtered[$0 * (width * 3 + 1)] })
    XCTAssertTrue(types.isSubset(of: [0, 1, 2, 3, 4]))
    XCTAssertGreaterThanOrEqual(types.count, 2, "rows of different kinds get different filters")

    // Minimum sum of |filtered byte| worked out by hand (ties go to the lower filter type).
    // Horizontal ramp 0, 4, …, 60 in every row. Row 0 (zeros above): None 480, Sub 60,
    // Up 480, Average 270, Paeth 60 → Sub. Later rows: Up and Paeth 0 → Up.
    let ramp: [UInt8] = (0..<256).map { (i: Int) -> UInt8 in UInt8(i % 16 * 4) }
    XCTAssertEqual(try filterTypes(ramp, width: 16, height: 16), [1] + [UInt8](repeating: 2, count: 15))
    // Vertical ramp 100 + 7y. Row 0 (flat): Sub and Paeth 100, None and Up 1600 → Sub.
    // Row y ≥ 1: Up 16·7 = 112, Sub ≥ 51 (the first byte read
    // as a signed byte), Average 57 + 15·4 = 117,
    // Paeth 7 (predicts the byte above for the first pixel, the left one after it) → Paeth.
    let vertical: [UInt8] = (0..<256).map { (i: Int) -> UInt8 in UInt8(i / 16 * 7 + 100) }
    XCTAssertEqual(
      try filterTypes(vertical, width: 16, height: 16), [1] + [UInt8](repeating: 4, count: 15))
  }

  /// The filter type byte of each row of a greyscale file.
  private func filterTypes(_ samples: [UInt8], width: Int, height: Int) throws -> [UInt8] {
    let file = try PNGEncoder.encode(width: width, height: height, colorType: .grey, samples: samples)
    let rows = try Zlib.decompress(try parseChunks(file).filter { $0.type == "IDAT" }.flatMap { $0.body })
    return (0..<height).map { rows[$0 * (width + 1)] }
  }

  func testImageValuesAreClampedAndRounded() throws {
    let image = Image(width: 4, height: 1, channels: 1, pixels: [-0.5, 0.5, 1.7, .nan])
    let decoded = try PNGDecoder.decode(try PNGEncoder.encode(image), name: "clamped")
    XCTAssertEqual(interleavedBytes(decoded), [0, 128, 255, 0])
    let rgb = Image(width: 1, height: 2, channels: 3, pixels: [0.2, 0.4, 1, 0, 0.6, 0.8])
    XCTAssertEqual(
      interleavedBytes(try PNGDecoder.decode(try PNGEncoder.encode(rgb), name: "rgb")),
      [51, 255, 153, 102, 0, 204])
  }

  func testBadSizesThrow() {
    assertEncodingError(["width 0, expected 1…2147483647"]) {
      try PNGEncoder.encode(width: 0, height: 3, colorType: .grey, samples: [])
    }
    assertEncodingError(["height -2"]) {
      try PNGEncoder.encode(width: 3, height: -2, colorType: .grey, samples: [])
    }
    assertEncodingError(["5 samples for a 2×1 image with 3 channel(s), expected 6"]) {
      try PNGEncoder.encode(width: 2, height: 1, colorType: .rgb, samples: [1, 2, 3, 4, 5])
    }
    assertEncodingError(["width 0"]) {
      try PNGEncoder.encode(Image(width: 0, height: 5, channels: 3))
    }
  }

  /// Pillow decodes every file to the same samples (skipped when Pillow is not installed).
  func testPillowDecodesOurFiles() throws {
    guard let script = Fixture.url("check_png_with_pillow.py") else {
      return XCTFail("Fixtures/check_png_with_pillow.py is missing")
    }
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("convnet-png-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let modes: [PNGEncoder.ColorType: String] = [.grey: "L", .greyAlpha: "LA", .rgb: "RGB", .rgba: "RGBA"]
    for (index, c) in PNGEncoderTests.cases.enumerated() {
      let samples = PNGEncoderTests.samples(
        width: c.width, height: c.height, channels: c.type.channels, seed: UInt64(index))
      let file = try PNGEncoder.encode(
        width: c.width, height: c.height, colorType: c.type, samples: samples)
      try Data(file).write(to: directory.appendingPathComponent("\(c.name).png"))
      try Data(samples).write(to: directory.appendingPathComponent("\(c.name).raw"))
      try Data(modes[c.type]!.utf8).write(to: directory.appendingPathComponent("\(c.name).mode"))
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script.path, directory.path]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    do { try process.run() } catch { throw XCTSkip("python3 is not available") }
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    if process.terminationStatus == 3 || process.terminationStatus == 127 {
      throw XCTSkip("Pillow is not available: \(output)")
    }
    XCTAssertEqual(process.terminationStatus, 0, output)
    XCTAssertTrue(output.contains("checked \(PNGEncoderTests.cases.count) files"), output)
  }
}

/// The image's samples as 8-bit values, interleaved (HWC).
func interleavedBytes(_ image: Image) -> [UInt8] {
  var out: [UInt8] = []
  for y in 0..<image.height {
    for x in 0..<image.width {
      for c in 0..<image.channels { out.append(UInt8((image[c, y, x] * 255).rounded())) }
    }
  }
  return out
}

/// Splits a PNG file into its chunks (the signature is checked, CRCs are returned unchecked).
func parseChunks(_ file: [UInt8]) throws -> [(type: String, body: [UInt8], storedCRC: UInt32)] {
  XCTAssertEqual(Array(file.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
  func uint32(_ i: Int) -> UInt32 {
    UInt32(file[i]) << 24 | UInt32(file[i + 1]) << 16 | UInt32(file[i + 2]) << 8 | UInt32(file[i + 3])
  }
  var chunks: [(String, [UInt8], UInt32)] = []
  var position = 8
  while position + 12 <= file.count {
    let length = Int(uint32(position))
    let type = String(decoding: file[(position + 4)..<(position + 8)], as: UTF8.self)
    let body = Array(file[(position + 8)..<(position + 8 + length)])
    chunks.append((type, body, uint32(position + 8 + length)))
    position += 12 + length
  }
  XCTAssertEqual(position, file.count, "chunks fill the file exactly")
  return chunks
}

/// CRC-32 one bit at a time (polynomial 0xEDB88320), independent of ConvNetCompression.CRC32.
func bitwiseCRC32(_ bytes: [UInt8]) -> UInt32 {
  var crc: UInt32 = 0xFFFF_FFFF
  for byte in bytes {
    crc ^= UInt32(byte)
    for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
  }
  return ~crc
}

func assertEncodingError(
  _ fragments: [String], file: StaticString = #filePath, line: UInt = #line,
  _ body: () throws -> [UInt8]
) {
  do {
    _ = try body()
    XCTFail("expected an ImageEncodingError", file: file, line: line)
  } catch let error as ImageEncodingError {
    for fragment in fragments {
      XCTAssertTrue(
        error.description.contains(fragment), "“\(error)” lacks “\(fragment)”", file: file,
        line: line)
    }
  } catch {
    XCTFail("unexpected error \(error)", file: file, line: line)
  }
}
