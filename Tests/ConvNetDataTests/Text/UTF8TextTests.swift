import ConvNetData
import XCTest

final class UTF8TextTests: XCTestCase {
  func testValidTextWithByteOrderMarkAndEveryLength() throws {
    // A (1 byte), é (2), 床 (3), 𝄞 (4), after a byte-order mark that is dropped.
    let bytes: [UInt8] = [0xEF, 0xBB, 0xBF, 0x41, 0xC3, 0xA9, 0xE5, 0xBA, 0x8A, 0xF0, 0x9D, 0x84, 0x9E]
    XCTAssertEqual(try UTF8Text.decode(bytes, file: "ok.txt"), "Aé床𝄞")
  }

  func testInvalidSequencesNameTheirByteOffset() {
    let cases: [([UInt8], String, String)] = [
      ([0x41, 0x80], "byte 1", "continuation byte 0x80 without a lead byte"),
      ([0x41, 0x42, 0xE5, 0xBA], "byte 2", "cut off by the end of the file"),
      ([0xC0, 0xAF], "byte 0", "overlong"),
      ([0xE0, 0x80, 0xAF], "byte 0", "overlong"),
      ([0x20, 0xED, 0xA0, 0x80], "byte 1", "surrogate"),
      ([0xF4, 0x90, 0x80, 0x80], "byte 0", "above U+10FFFF"),
      ([0xE5, 0x41, 0x8A], "byte 0", "byte 2 is 0x41"),
      ([0x41, 0xFF], "byte 1", "0xFF is never used"),
    ]
    for (bytes, offset, problem) in cases {
      assertDataError(["poem.txt", offset, "is not valid UTF-8", problem]) {
        _ = try UTF8Text.decode(bytes, file: "poem.txt")
      }
    }
  }

  func testReadingAFileNamesItsPathAndOffset() throws {
    let directory = try TextTestDirectory()
    // GBK bytes for 床 (0xB4 0xB2) after "ab\n": the first bad byte is at offset 3.
    let url = try directory.write("gbk.txt", [0x61, 0x62, 0x0A, 0xB4, 0xB2])
    assertDataError([url.path, "byte 3"]) { _ = try UTF8Text.read(contentsOf: url) }
  }
}
