import ConvNetCompression
import Foundation
import XCTest

/// The gzip container (RFC 1952) against files made by Python's gzip module.
final class GzipTests: XCTestCase {
  func testSingleMember() throws {
    XCTAssertTrue(Gzip.isGzip(CompressionFixtures.shortGzip))
    XCTAssertTrue(Gzip.isGzip(Data(CompressionFixtures.shortGzip)))
    XCTAssertEqual(
      try Gzip.decompress(Data(CompressionFixtures.shortGzip)), CompressionFixtures.short)
  }

  func testIsGzipOnOtherData() {
    XCTAssertFalse(Gzip.isGzip([0x00, 0x00, 0x08, 0x03]))
    XCTAssertFalse(Gzip.isGzip([0x1F]))
    XCTAssertFalse(Gzip.isGzip(CompressionFixtures.shortZlib))
  }

  func testEmptyMember() throws {
    XCTAssertEqual(try Gzip.decompress(CompressionFixtures.emptyGzip), [])
  }

  func testTwoMembersAreConcatenated() throws {
    XCTAssertEqual(
      try Gzip.decompress(CompressionFixtures.twoMemberGzip),
      Array("first member, second member".utf8))
  }

  func testAllOptionalHeaderFields() throws {
    // FEXTRA, FNAME, FCOMMENT and a correct FHCRC.
    XCTAssertEqual(try Gzip.decompress(CompressionFixtures.allFlagsGzip), CompressionFixtures.short)
  }

  func testHeaderCRCMismatch() {
    var bytes = CompressionFixtures.allFlagsGzip
    // The FHCRC field is the two bytes before the DEFLATE data: header length 10 + 2 + 7
    // (FEXTRA) + 11 (FNAME) + 10 (FCOMMENT) = 40.
    bytes[40] ^= 0xFF
    assertCompressionError(
      try Gzip.decompress(bytes), kind: .checksumMismatch, ["byte offset 40", "header CRC-16"])
  }

  func testCorruptedCRCIsRejected() {
    var bytes = CompressionFixtures.shortGzip
    let crcOffset = bytes.count - 8
    bytes[crcOffset] ^= 0x01
    let stored = UInt32(CompressionFixtures.shortCRC32) ^ 0x01
    assertCompressionError(
      try Gzip.decompress(bytes), kind: .checksumMismatch,
      [
        "gzip: byte offset \(crcOffset)",
        String(
          format: "CRC-32 mismatch: stored 0x%08X, computed 0x%08X", stored,
          UInt32(CompressionFixtures.shortCRC32)),
      ])
  }

  func testCorruptedSizeIsRejected() {
    var bytes = CompressionFixtures.shortGzip
    bytes[bytes.count - 4] &+= 1
    assertCompressionError(
      try Gzip.decompress(bytes), kind: .lengthMismatch,
      [
        "ISIZE \(CompressionFixtures.short.count + 1)",
        "decoded to \(CompressionFixtures.short.count) bytes",
      ])
  }

  func testTruncatedFileIsRejected() {
    let bytes = CompressionFixtures.shortGzip
    assertCompressionError(
      try Gzip.decompress(Array(bytes.dropLast(3))), kind: .truncated, ["CRC-32/ISIZE trailer"])
    assertCompressionError(
      try Gzip.decompress(Array(bytes.prefix(6))), kind: .truncated, ["10-byte header"])
    assertCompressionError(
      try Gzip.decompress(Array(bytes.prefix(20))), kind: .truncated, ["input ends inside"])
    assertCompressionError(try Gzip.decompress([UInt8]()), kind: .truncated, ["10-byte header"])
  }

  func testTruncatedSecondMember() {
    let bytes = CompressionFixtures.twoMemberGzip
    assertCompressionError(
      try Gzip.decompress(Array(bytes.dropLast(1))), kind: .truncated, ["member starting at byte"])
  }

  func testWrongMagicAndMethod() {
    assertCompressionError(
      try Gzip.decompress(CompressionFixtures.shortZlib), kind: .invalidHeader,
      ["byte offset 0", "expected 0x1F 0x8B"])
    var bytes = CompressionFixtures.shortGzip
    bytes[2] = 7
    assertCompressionError(
      try Gzip.decompress(bytes), kind: .invalidHeader,
      ["byte offset 2", "compression method 7, expected 8 (deflate)"])
  }

  func testTrailingGarbage() {
    let bytes = CompressionFixtures.shortGzip
    assertCompressionError(
      try Gzip.decompress(bytes + [0x41, 0x42, 0x43]), kind: .trailingData,
      ["byte offset \(bytes.count)", "3 bytes after the last member"])
  }
}
