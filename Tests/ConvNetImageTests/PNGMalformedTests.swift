import ConvNetImage
import XCTest

/// Damaged PNG files must be refused with errors that name the chunk and the problem.
final class PNGMalformedTests: XCTestCase {
  /// A PNG chunk as the tests edit it.
  private struct Chunk {
    var type: String
    var body: [UInt8]
  }

  private func chunks(of bytes: [UInt8]) -> [Chunk] {
    var position = 8
    var chunks: [Chunk] = []
    while position + 12 <= bytes.count {
      let length = bytes[position..<(position + 4)].reduce(0) { $0 << 8 | Int($1) }
      let type = String(decoding: bytes[(position + 4)..<(position + 8)], as: UTF8.self)
      chunks.append(Chunk(type: type, body: Array(bytes[(position + 8)..<(position + 8 + length)])))
      position += 12 + length
    }
    return chunks
  }

  /// Reassembles a file with correct lengths and CRCs.
  private func file(_ chunks: [Chunk]) -> [UInt8] {
    var out = PNGDecoder.signature
    for chunk in chunks {
      let typed = Array(chunk.type.utf8) + chunk.body
      out += bigEndian(UInt32(chunk.body.count)) + typed + bigEndian(crc32(typed))
    }
    return out
  }

  private func bigEndian(_ v: UInt32) -> [UInt8] {
    [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
  }

  /// Bitwise CRC-32 (reflected 0xEDB88320), independent of the library's table version.
  private func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
      crc ^= UInt32(byte)
      for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
  }

  private func fixture(_ name: String) throws -> [UInt8] { try Fixture.bytes(name) }

  func testTheEditingHelpersRoundTrip() throws {
    let bytes = try fixture("rgb8_32x24.png")
    XCTAssertEqual(file(chunks(of: bytes)), bytes)
  }

  func testTruncatedFileIsRefused() throws {
    let bytes = try fixture("rgb8_32x24.png")
    assertDecodingError(.truncated, containing: ["cut.png: PNG: IDAT chunk at byte 33", "runs past"]) {
      try PNGDecoder.decode(Array(bytes.prefix(bytes.count / 2)), name: "cut.png")
    }
    assertDecodingError(.truncated, containing: ["cut.png: PNG:", "no IEND chunk"]) {
      try PNGDecoder.decode(Array(bytes.dropLast(12)), name: "cut.png")
    }
  }

  func testBadCRCIsRefused() throws {
    var bytes = try fixture("rgb8_32x24.png")
    bytes[45] ^= 0x01  // inside the IDAT body (type at 37…40, body from 41)
    assertDecodingError(.checksumMismatch, containing: ["IDAT chunk at byte 33: CRC mismatch"]) {
      try PNGDecoder.decode(bytes, name: "x.png")
    }
  }

  func testBadSignatureIsRefused() throws {
    var bytes = try fixture("grey8_13x9.png")
    bytes[6] = 0x0A  // as a text-mode transfer might do
    assertDecodingError(.malformed, containing: ["x.png: PNG: bad signature", "0A 0A 0A"]) {
      try PNGDecoder.decode(bytes, name: "x.png")
    }
  }

  func testMissingIHDRAndIENDAreRefused() throws {
    let original = chunks(of: try fixture("grey8_13x9.png"))
    assertDecodingError(.malformed, containing: ["IDAT chunk at byte 8", "first chunk must be IHDR"]) {
      try PNGDecoder.decode(file(original.filter { $0.type != "IHDR" }), name: "x.png")
    }
    assertDecodingError(.truncated, containing: ["no IEND chunk"]) {
      try PNGDecoder.decode(file(original.filter { $0.type != "IEND" }), name: "x.png")
    }
    assertDecodingError(.malformed, containing: ["no IDAT chunk"]) {
      try PNGDecoder.decode(file(original.filter { $0.type != "IDAT" }), name: "x.png")
    }
  }

  func testInvalidHeaderFieldsAreRefused() throws {
    var chunks = chunks(of: try fixture("rgb8_32x24.png"))
    chunks[0].body[8] = 3  // bit depth 3
    assertDecodingError(
      .malformed, containing: ["IHDR chunk: bit depth 3 is not allowed for colour type 2", "8, 16"]
    ) { try PNGDecoder.decode(file(chunks), name: "x.png") }
    chunks[0].body[8] = 8
    chunks[0].body[12] = 2  // interlace method 2
    assertDecodingError(.malformed, containing: ["interlace method 2"]) {
      try PNGDecoder.decode(file(chunks), name: "x.png")
    }
  }

  func testImageDataTooShortIsRefused() throws {
    assertDecodingError(
      .truncated, containing: ["bad.png: PNG: IDAT data inflates to 200 bytes", "needs 360"]
    ) { try PNGDecoder.decode(try fixture("bad_short_idat_13x9.png"), name: "bad.png") }
  }

  func testPaletteIndexOutOfRangeIsRefused() throws {
    var chunks = chunks(of: try fixture("palette8_32x24.png"))
    let plte = try XCTUnwrap(chunks.firstIndex { $0.type == "PLTE" })
    chunks[plte].body = Array(chunks[plte].body.prefix(12))  // four entries
    assertDecodingError(.malformed, containing: ["palette index", "PLTE has 4 entries"]) {
      try PNGDecoder.decode(file(chunks), name: "x.png")
    }
    chunks.remove(at: plte)
    assertDecodingError(.malformed, containing: ["no PLTE chunk"]) {
      try PNGDecoder.decode(file(chunks), name: "x.png")
    }
  }

  func testCorruptZlibStreamIsRefused() throws {
    var chunks = chunks(of: try fixture("rgb8_32x24.png"))
    let idat = try XCTUnwrap(chunks.firstIndex { $0.type == "IDAT" })
    chunks[idat].body[0] = 0x79  // compression method 9
    assertDecodingError(.malformed, containing: ["IDAT data: zlib:"]) {
      try PNGDecoder.decode(file(chunks), name: "x.png")
    }
  }
}
