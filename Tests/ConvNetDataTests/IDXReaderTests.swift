import ConvNetCompression
import ConvNetData
import Foundation
import XCTest

/// The IDX reader on small files written byte by byte.
final class IDXReaderTests: XCTestCase {
  func testUInt8RoundTrip() throws {
    let directory = try IDXTestDirectory()
    let pixels: [UInt8] = [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]
    let file = try directory.write(
      "images", IDXTestDirectory.header(type: 0x08, dimensions: [2, 2, 3]) + pixels)
    let array = try IDXReader.read(contentsOf: file)
    XCTAssertEqual(array.dataType, .uint8)
    XCTAssertEqual(array.dimensions, [2, 2, 3])
    XCTAssertEqual(array.magicNumber, 0x0000_0803)
    XCTAssertEqual(array.withPayload { Array($0) }, pixels)
    XCTAssertEqual(array.integerValues(), pixels.map(Int.init))
  }

  func testOtherTypesAreBigEndian() throws {
    // int16 values -2 (0xFFFE) and 258 (0x0102); int32 -1 and 65536 + 2.
    let int16 = try IDXReader.parse(
      IDXTestDirectory.header(type: 0x0B, dimensions: [2]) + [0xFF, 0xFE, 0x01, 0x02], fileName: "a"
    )
    XCTAssertEqual(int16.integerValues(), [-2, 258])
    let int32 = try IDXReader.parse(
      IDXTestDirectory.header(type: 0x0C, dimensions: [2])
        + [0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x01, 0x00, 0x02], fileName: "b")
    XCTAssertEqual(int32.integerValues(), [-1, 65538])
    let int8 = try IDXReader.parse(
      IDXTestDirectory.header(type: 0x09, dimensions: [2]) + [0x80, 0x7F], fileName: "c")
    XCTAssertEqual(int8.integerValues(), [-128, 127])
    // float32 1.5 = 0x3FC00000; float64 -0.25 = 0xBFD0000000000000.
    let float32 = try IDXReader.parse(
      IDXTestDirectory.header(type: 0x0D, dimensions: [1]) + [0x3F, 0xC0, 0x00, 0x00], fileName: "d"
    )
    XCTAssertNil(float32.integerValues())
    XCTAssertEqual(float32.doubleValues(), [1.5])
    let float64 = try IDXReader.parse(
      IDXTestDirectory.header(type: 0x0E, dimensions: [1]) + [0xBF, 0xD0, 0, 0, 0, 0, 0, 0],
      fileName: "e")
    XCTAssertEqual(float64.doubleValues(), [-0.25])
  }

  func testGzipIsDetectedByContentNotName() throws {
    // The gzip fixture holds text, not IDX, so detection shows up as an IDX error about the
    // decompressed bytes ("Hell" is not a magic number), despite the name.
    let directory = try IDXTestDirectory()
    let file = try directory.write("plain-name-idx1-ubyte", GzipFixtures.shortGzip)
    assertDataError(
      try IDXReader.read(contentsOf: file), ["plain-name-idx1-ubyte: magic number 0x48656C6C"])
  }

  func testCorruptGzipNamesTheFile() throws {
    var bytes = GzipFixtures.shortGzip
    bytes[bytes.count - 8] ^= 1
    assertDataError(
      try IDXReader.parse(Data(bytes), fileName: "labels.gz"),
      ["labels.gz: gzip data is corrupt", "CRC-32 mismatch"])
  }

  func testWrongMagic() {
    assertDataError(
      try IDXReader.parse([0x01, 0x00, 0x08, 0x01, 0, 0, 0, 0], fileName: "x-idx1-ubyte"),
      ["x-idx1-ubyte: magic number 0x01000801, expected 0x0000TTDD"])
    assertDataError(
      try IDXReader.parse([0x00, 0x00], fileName: "tiny"),
      ["tiny: magic number missing: the file is 2 bytes, expected at least 4"])
  }

  func testWrongDataType() {
    assertDataError(
      try IDXReader.parse([0x00, 0x00, 0x0A, 0x01, 0, 0, 0, 0], fileName: "t"),
      ["t: data type 0x0A in magic number 0x00000A01", "0x08 (unsigned byte)", "0x0E (double)"])
  }

  func testZeroDimensionsAndTruncatedHeader() {
    assertDataError(
      try IDXReader.parse([0, 0, 0x08, 0x00], fileName: "r"),
      ["r: dimension count 0 in magic number 0x00000800, expected at least 1"])
    assertDataError(
      try IDXReader.parse([0, 0, 0x08, 0x03, 0, 0, 0, 1, 0, 0], fileName: "h"),
      ["h: dimension sizes truncated: the file is 10 bytes, expected a 16-byte header"])
    assertDataError(
      try IDXReader.parse(
        IDXTestDirectory.header(type: 0x08, dimensions: [1, 0, 3]), fileName: "z"),
      ["z: dimension 1 size 0, expected at least 1"])
  }

  func testTruncatedPayload() {
    let bytes =
      IDXTestDirectory.header(type: 0x0B, dimensions: [3, 2]) + [UInt8](repeating: 7, count: 11)
    assertDataError(
      try IDXReader.parse(bytes, fileName: "short-idx2"),
      [
        "short-idx2: file size 23 bytes, expected 24 = 12-byte header + 3 × 2 × 2-byte short",
        "truncated (1 bytes missing)",
      ])
  }

  func testExtraBytes() {
    let bytes = IDXTestDirectory.header(type: 0x08, dimensions: [4]) + [1, 2, 3, 4, 5, 6]
    assertDataError(
      try IDXReader.parse(bytes, fileName: "long"),
      ["long: file size 14 bytes, expected 12", "2 extra bytes at the end"])
  }

  func testMissingFile() {
    let url = URL(fileURLWithPath: "/nonexistent/convnet/train-images-idx3-ubyte")
    assertDataError(
      try IDXReader.read(contentsOf: url),
      ["/nonexistent/convnet/train-images-idx3-ubyte: file cannot be opened (No such file or directory)"])
  }
}
