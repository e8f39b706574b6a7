import ConvNetImage
import XCTest

/// Damaged and unsupported JPEG files must be refused with errors that say what is wrong.
final class JPEGMalformedTests: XCTestCase {
  private func fixture(_ name: String) throws -> [UInt8] { try Fixture.bytes(name) }

  /// Offsets of the first marker `code` (its 0xFF byte) before the first SOS.
  private func markerOffset(_ code: UInt8, in bytes: [UInt8]) -> Int? {
    var position = 2
    while position + 4 <= bytes.count, bytes[position] == 0xFF {
      if bytes[position + 1] == code { return position }
      if bytes[position + 1] == 0xDA { return nil }
      position += 2 + (Int(bytes[position + 2]) << 8 | Int(bytes[position + 3]))
    }
    return nil
  }

  /// The file without any segment of marker `code` before the first scan.
  private func removingSegments(_ code: UInt8, from bytes: [UInt8]) -> [UInt8] {
    var bytes = bytes
    while let offset = markerOffset(code, in: bytes) {
      let length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
      bytes.removeSubrange(offset..<(offset + 2 + length))
    }
    return bytes
  }

  func testTruncatedFileIsRefused() throws {
    let bytes = try fixture("baseline_420_37x29.jpg")
    assertDecodingError(.truncated, containing: ["cut.jpg: JPEG:", "ends"]) {
      try JPEGDecoder.decode(Array(bytes.prefix(bytes.count / 2)), name: "cut.jpg")
    }
    // Cut inside the header segments, and just before EOI.
    assertDecodingError(.truncated, containing: ["cut.jpg: JPEG:", "runs past the end"]) {
      try JPEGDecoder.decode(Array(bytes.prefix(30)), name: "cut.jpg")
    }
    assertDecodingError(.truncated, containing: ["cut.jpg: JPEG:", "ends", "EOI"]) {
      try JPEGDecoder.decode(Array(bytes.dropLast(2)), name: "cut.jpg")
    }
  }

  func testMissingSOIIsRefused() throws {
    let bytes = try fixture("baseline_grey_13x9.jpg")
    assertDecodingError(
      .malformed, containing: ["x.jpg: JPEG: missing SOI marker", "expected FF D8", "FF E0"]
    ) { try JPEGDecoder.decode(Array(bytes.dropFirst(2)), name: "x.jpg") }
  }

  func testMissingHuffmanTableIsRefused() throws {
    let bytes = removingSegments(0xC4, from: try fixture("baseline_444_32x24.jpg"))
    assertDecodingError(
      .malformed, containing: ["SOS marker", "DC Huffman table 0, which no DHT segment defined"]
    ) { try JPEGDecoder.decode(bytes, name: "x.jpg") }
  }

  /// Found by fuzzing (Fuzz/run.sh jpeg): three codes of length 1 overflow the code space, and
  /// their look-up entries were written past the table's end (a trap) before that was checked.
  func testHuffmanTableOverflowingTheCodeSpaceIsRefused() throws {
    let bytes = try fixture("baseline_grey_13x9.jpg")
    let offset = try XCTUnwrap(markerOffset(0xC4, in: bytes))
    var dht: [UInt8] = [0xFF, 0xC4, 0x00, 0x16, 0x00, 3] + [UInt8](repeating: 0, count: 15)
    dht += [0, 1, 2]
    var damaged = bytes
    damaged.insert(contentsOf: dht, at: offset)
    assertDecodingError(.malformed, containing: ["DHT", "overflow the code space"]) {
      try JPEGDecoder.decode(damaged, name: "x.jpg")
    }
    // Two codes of length 1 use the all-ones code, which T.81 reserves: also refused.
    dht[5] = 2
    dht.removeLast()
    dht[3] = 0x15
    damaged = bytes
    damaged.insert(contentsOf: dht, at: offset)
    assertDecodingError(.malformed, containing: ["overflow the code space"]) {
      try JPEGDecoder.decode(damaged, name: "x.jpg")
    }
  }

  func testMissingQuantizationTableIsRefused() throws {
    let bytes = removingSegments(0xDB, from: try fixture("baseline_grey_13x9.jpg"))
    assertDecodingError(.malformed, containing: ["quantisation table 0, which no DQT"]) {
      try JPEGDecoder.decode(bytes, name: "x.jpg")
    }
  }

  func testArithmeticCodingIsRefusedAsUnsupported() throws {
    var bytes = try fixture("baseline_grey_13x9.jpg")
    let sof = try XCTUnwrap(markerOffset(0xC0, in: bytes))
    bytes[sof + 1] = 0xC9
    assertDecodingError(.unsupported, containing: ["SOF9 marker", "arithmetic coding"]) {
      try JPEGDecoder.decode(bytes, name: "x.jpg")
    }
  }

  func testLosslessAndTwelveBitAreRefusedAsUnsupported() throws {
    let original = try fixture("baseline_grey_13x9.jpg")
    let sof = try XCTUnwrap(markerOffset(0xC0, in: original))
    var lossless = original
    lossless[sof + 1] = 0xC3
    assertDecodingError(.unsupported, containing: ["SOF3", "lossless"]) {
      try JPEGDecoder.decode(lossless, name: "x.jpg")
    }
    var twelveBit = original
    twelveBit[sof + 4] = 12
    assertDecodingError(.unsupported, containing: ["12-bit samples"]) {
      try JPEGDecoder.decode(twelveBit, name: "x.jpg")
    }
  }

  func testCMYKIsRefusedAsUnsupported() throws {
    var bytes = try fixture("baseline_grey_13x9.jpg")
    let sof = try XCTUnwrap(markerOffset(0xC0, in: bytes))
    let length = Int(bytes[sof + 2]) << 8 | Int(bytes[sof + 3])
    // SOF0 with four 1×1 components.
    let cmyk: [UInt8] =
      [0xFF, 0xC0, 0, 20, 8, 0, 9, 0, 13, 4]
      + [1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0, 4, 0x11, 0]
    bytes.replaceSubrange(sof..<(sof + 2 + length), with: cmyk)
    assertDecodingError(.unsupported, containing: ["4-component (CMYK/YCCK)"]) {
      try JPEGDecoder.decode(bytes, name: "x.jpg")
    }
  }

  func testWrongRestartMarkerIsRefused() throws {
    var bytes = try fixture("restart_420_37x29.jpg")
    let sos = try XCTUnwrap(markerOffset(0xDA, in: bytes))
    let rst0 = try XCTUnwrap(
      (sos..<(bytes.count - 1)).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xD0 })
    bytes[rst0 + 1] = 0xD3
    assertDecodingError(.malformed, containing: ["expected restart marker RST0", "0xD3"]) {
      try JPEGDecoder.decode(bytes, name: "x.jpg")
    }
  }
}
