import ConvNetCompression
import ConvNetImage
import Foundation
import XCTest

/// Images are refused before decoding when width × height × channels exceeds a cap, read from
/// the header alone (issue 12 §2).
final class ImageSizeLimitTests: XCTestCase {
  /// The header sizes of fixtures whose sizes are in their names (PNG IHDR, JPEG SOF).
  func testAnnouncedSizeReadsTheHeader() throws {
    let png = try XCTUnwrap(ImageDecoder.announcedSize(of: try Fixture.bytes("grey16_13x9.png")))
    XCTAssertEqual([png.width, png.height, png.channels], [13, 9, 1])
    let jpeg = try XCTUnwrap(ImageDecoder.announcedSize(of: try Fixture.bytes("baseline_420_37x29.jpg")))
    XCTAssertEqual([jpeg.width, jpeg.height, jpeg.channels], [37, 29, 3])
    let grey = try XCTUnwrap(ImageDecoder.announcedSize(of: try Fixture.bytes("baseline_grey_13x9.jpg")))
    XCTAssertEqual([grey.width, grey.height, grey.channels], [13, 9, 1])
    XCTAssertNil(ImageDecoder.announcedSize(of: [1, 2, 3]))
  }

  /// 37 × 29 × 3 = 3,219 values: decoded at a cap of 3,219, refused at 3,218 with the figures.
  func testCapIsInclusiveAndNamesTheFigures() throws {
    let bytes = try Fixture.bytes("baseline_420_37x29.jpg")
    XCTAssertEqual(try ImageDecoder.decode(bytes, name: "a.jpg", maximumSampleCount: 3219).width, 37)
    XCTAssertThrowsError(try ImageDecoder.decode(bytes, name: "a.jpg", maximumSampleCount: 3218)) { error in
      XCTAssertEqual(
        "\(error)",
        "a.jpg: JPEG: 37×29 pixels × 3 channel(s) = 3219 values exceeds the limit of 3218 set to bound memory"
      )
    }
  }

  /// A PNG header announcing 16384 × 16384 RGB (805 M values) over a few bytes of IDAT is
  /// refused by the default cap before anything is inflated.
  func testHugeHeaderIsRefusedByDefault() throws {
    func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
      let body = Array(type.utf8) + data
      return bigEndian(data.count) + body + bigEndian(Int(CRC32.checksum(of: body)))
    }
    func bigEndian(_ value: Int) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) } }
    let png =
      [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
      + chunk("IHDR", bigEndian(16384) + bigEndian(16384) + [8, 2, 0, 0, 0])
      + chunk("IDAT", [0x78, 0x01, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]) + chunk("IEND", [])
    XCTAssertThrowsError(
      try ImageDecoder.decode(
        png, name: "big.png", maximumSampleCount: ImageDecoder.defaultMaximumSampleCount)
    ) { error in
      XCTAssertEqual((error as? ImageDecodingError)?.kind, .unsupported)
      XCTAssertTrue("\(error)".contains("16384×16384 pixels × 3 channel(s) = 805306368 values"), "\(error)")
    }
  }
}
