import ConvNetCompression
import XCTest

/// The zlib container (RFC 1950) against streams made by Python's zlib module.
final class ZlibTests: XCTestCase {
  func testRoundTrip() throws {
    XCTAssertEqual(try Zlib.decompress(CompressionFixtures.shortZlib), CompressionFixtures.short)
    XCTAssertEqual(try Zlib.decompress(CompressionFixtures.emptyZlib), [])
  }

  func testAdlerMismatch() {
    var bytes = CompressionFixtures.shortZlib
    bytes[bytes.count - 1] ^= 0x80
    assertCompressionError(
      try Zlib.decompress(bytes), kind: .checksumMismatch,
      ["byte offset \(bytes.count - 4)", "Adler-32 mismatch"])
  }

  func testHeaderCheck() {
    var bytes = CompressionFixtures.shortZlib
    bytes[1] &+= 1
    assertCompressionError(
      try Zlib.decompress(bytes), kind: .invalidHeader, ["not a multiple of 31"])
    // CMF 0x78 with FDICT (0x20) set in FLG, FCHECK chosen so the header check passes.
    let flagWithDictionary = UInt8((31 - (0x7820 % 31)) % 31) | 0x20
    assertCompressionError(
      try Zlib.decompress([0x78, flagWithDictionary, 0, 0, 0, 0]), kind: .invalidHeader,
      ["FDICT"])
    assertCompressionError(
      try Zlib.decompress([0x79, 0x9C]), kind: .invalidHeader, ["compression method 9"])
  }

  func testTruncated() {
    let bytes = CompressionFixtures.shortZlib
    assertCompressionError(
      try Zlib.decompress(Array(bytes.dropLast(2))), kind: .truncated, ["Adler-32 trailer"])
    assertCompressionError(try Zlib.decompress([0x78]), kind: .truncated, ["2-byte header"])
  }
}
