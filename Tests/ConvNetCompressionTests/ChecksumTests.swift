import ConvNetCompression
import XCTest

/// CRC-32 and Adler-32 against their published check values and Python's zlib.
final class ChecksumTests: XCTestCase {
  func testCRC32CheckValue() {
    // The standard check value for "123456789" (e.g. the CRC RevEng catalogue, CRC-32/ISO-HDLC).
    XCTAssertEqual(CRC32.checksum(of: Array("123456789".utf8)), 0xCBF4_3926)
    XCTAssertEqual(CRC32.checksum(of: [UInt8]()), 0)
  }

  func testCRC32MatchesPythonAndIsIncremental() {
    let text = fixtureWordText(wordCount: 16000)
    XCTAssertEqual(Int(CRC32.checksum(of: text)), CompressionFixtures.textCRC32)
    // Split at an odd point so the 8-byte fast path sees misaligned pieces.
    var crc = CRC32()
    crc.update(text[..<1001])
    crc.update(text[1001...])
    XCTAssertEqual(Int(crc.value), CompressionFixtures.textCRC32)
  }

  func testAdler32() {
    // Wikipedia's worked example.
    XCTAssertEqual(Adler32.checksum(of: Array("Wikipedia".utf8)), 0x11E6_0398)
    XCTAssertEqual(Adler32.checksum(of: [UInt8]()), 1)
    XCTAssertEqual(
      Int(Adler32.checksum(of: CompressionFixtures.short)), CompressionFixtures.shortAdler32)
    // More than one 5552-byte block between reductions.
    XCTAssertEqual(
      Int(Adler32.checksum(of: fixtureWordText(wordCount: 16000))), CompressionFixtures.textAdler32)
  }
}
