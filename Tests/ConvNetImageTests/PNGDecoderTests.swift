import ConvNetImage
import XCTest

/// PNG decoding against the pixel values Fixtures/make_fixtures.py generated (PNG is lossless,
/// so samples must be equal exactly; the script checked each against Pillow where Pillow can
/// represent it).
final class PNGDecoderTests: XCTestCase {
  func testEveryPNGFixtureDecodesExactly() throws {
    let fixtures = Fixture.all.filter { $0.kind == "png" }
    XCTAssertGreaterThanOrEqual(fixtures.count, 24)
    for fixture in fixtures {
      let image = try PNGDecoder.decode(try Fixture.bytes(fixture.file), name: fixture.file)
      XCTAssertEqual(image.width, fixture.width, fixture.file)
      XCTAssertEqual(image.height, fixture.height, fixture.file)
      XCTAssertEqual(image.channels, fixture.channels, fixture.file)
      let expected = try fixture.referenceSamples()
      XCTAssertEqual(fixture.samples(of: image), expected, fixture.file)
      // The float values are exactly v / (2^bits − 1) up to Float rounding.
      let scale = Float(fixture.bits == 8 ? 255 : 65535)
      let first = image[0, 0, 0]
      XCTAssertEqual(first, Float(expected[0]) / scale, accuracy: 1e-6, fixture.file)
    }
  }

  func testSubByteGreyScalesToUnitRange() throws {
    // 1-bit grey holds only 0 and 1, which must become exactly 0.0 and 1.0.
    let image = try PNGDecoder.decode(try Fixture.bytes("grey1_13x9.png"), name: "grey1")
    XCTAssertEqual(Set(image.pixels), [0, 1])
  }
}
