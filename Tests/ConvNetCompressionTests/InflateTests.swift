import ConvNetCompression
import TestSupport
import XCTest

/// Raw DEFLATE (RFC 1951) against streams made by Python's zlib (see Fixtures/make_fixtures.py)
/// and hand-made bit streams for the error paths.
final class InflateTests: XCTestCase {
  func testStoredBlocks() throws {
    XCTAssertEqual(
      try Inflate.decompress(CompressionFixtures.storedDeflate), CompressionFixtures.short)
  }

  func testFixedHuffmanBlock() throws {
    XCTAssertEqual(
      try Inflate.decompress(CompressionFixtures.fixedDeflate), CompressionFixtures.short)
  }

  func testDynamicHuffmanBlocks() throws {
    let decoded = try Inflate.decompress(CompressionFixtures.dynamicDeflate)
    XCTAssertEqual(decoded.count, CompressionFixtures.textCount)
    XCTAssertEqual(decoded, fixtureWordText(wordCount: 16000))
    XCTAssertEqual(Int(CRC32.checksum(of: decoded)), CompressionFixtures.textCRC32)
  }

  func testEmptyStream() throws {
    XCTAssertEqual(try Inflate.decompress(CompressionFixtures.emptyDeflate), [])
  }

  func testEmptyInputIsTruncated() {
    assertCompressionError(try Inflate.decompress([UInt8]()), kind: .truncated, ["block header"])
  }

  func testTruncatedDynamicStream() {
    let stream = CompressionFixtures.dynamicDeflate
    for keep in [1, 10, stream.count / 2, stream.count - 1] {
      assertCompressionError(
        try Inflate.decompress(Array(stream.prefix(keep))), kind: .truncated,
        ["deflate: byte offset \(keep)", "input ends inside"])
    }
  }

  func testReservedBlockTypeIsRejected() {
    // BFINAL = 1, BTYPE = 3.
    assertCompressionError(
      try Inflate.decompress([0x07]), kind: .invalidData, ["byte offset 0", "block type 3"])
  }

  func testStoredLengthComplementMismatch() {
    // BFINAL = 1, BTYPE = 0, then LEN = 5 and NLEN = 0 (should be 0xFFFA).
    assertCompressionError(
      try Inflate.decompress([0x01, 0x05, 0x00, 0x00, 0x00]), kind: .invalidData,
      ["byte offset 1", "LEN 5 does not match NLEN 0"])
  }

  func testDistanceBeforeStartOfOutput() {
    var writer = DeflateBitWriter()
    writer.field(1, bits: 1)  // BFINAL
    writer.field(1, bits: 2)  // fixed Huffman
    writer.code(0b000_0001, bits: 7)  // symbol 257: length 3
    writer.code(0, bits: 5)  // distance code 0: distance 1, but nothing has been written
    writer.code(0, bits: 7)  // end of block
    assertCompressionError(
      try Inflate.decompress(writer.bytes), kind: .invalidData,
      ["distance 1 reaches before the start of the output (0 bytes written)"])
  }

  func testFixedBlockWithMatch() throws {
    // "ab" as fixed literals (codes 0x30 + byte, 8 bits), then length 4 at distance 2, then EOB:
    // decodes to "ababab".
    var writer = DeflateBitWriter()
    writer.field(1, bits: 1)
    writer.field(1, bits: 2)
    writer.code(0x30 + 0x61, bits: 8)
    writer.code(0x30 + 0x62, bits: 8)
    writer.code(0b000_0010, bits: 7)  // symbol 258: length 4
    writer.code(1, bits: 5)  // distance code 1: distance 2
    writer.code(0, bits: 7)
    XCTAssertEqual(try Inflate.decompress(writer.bytes), Array("ababab".utf8))
  }

  func testOverSubscribedCodeLengthsAreRejected() {
    var writer = DeflateBitWriter()
    writer.field(1, bits: 1)
    writer.field(2, bits: 2)  // dynamic Huffman
    writer.field(0, bits: 5)  // HLIT: 257 codes
    writer.field(0, bits: 5)  // HDIST: 1 code
    writer.field(0, bits: 4)  // HCLEN: 4 code length codes…
    for _ in 0..<4 { writer.field(1, bits: 3) }  // …all of length 1: four 1-bit codes
    assertCompressionError(
      try Inflate.decompress(writer.bytes), kind: .invalidData,
      ["code length code lengths over-subscribe the code space at length 1"])
  }

  func testTrailingBytesAreRejected() {
    assertCompressionError(
      try Inflate.decompress(CompressionFixtures.fixedDeflate + [0x00, 0x00]), kind: .trailingData,
      ["byte offset \(CompressionFixtures.fixedDeflate.count)", "2 unexpected bytes"])
  }
}
