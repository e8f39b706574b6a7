import ConvNetImage
import XCTest

/// JPEG decoding against Pillow (libjpeg-turbo) references made by Fixtures/make_fixtures.py.
///
/// Tolerance: the decoder reproduces libjpeg-turbo's islow IDCT, fancy upsampling and
/// fixed-point colour conversion, so samples must be identical: tolerance 0/255 (the maximum
/// difference is printed per fixture).
final class JPEGDecoderTests: XCTestCase {
  static let tolerance = 0

  func testEveryJPEGFixtureMatchesPillow() throws {
    let fixtures = Fixture.all.filter { $0.kind == "jpeg" }
    XCTAssertGreaterThanOrEqual(fixtures.count, 13)
    for fixture in fixtures {
      let image = try JPEGDecoder.decode(try Fixture.bytes(fixture.file), name: fixture.file)
      XCTAssertEqual(image.width, fixture.width, fixture.file)
      XCTAssertEqual(image.height, fixture.height, fixture.file)
      XCTAssertEqual(image.channels, fixture.channels, fixture.file)
      let actual = fixture.samples(of: image)
      let expected = try fixture.referenceSamples()
      XCTAssertEqual(actual.count, expected.count, fixture.file)
      guard actual.count == expected.count else { continue }
      var maximum = 0
      var differing = 0
      for (a, e) in zip(actual, expected) where a != e {
        maximum = max(maximum, abs(a - e))
        differing += 1
      }
      print("\(fixture.file): max |difference| \(maximum)/255, \(differing) samples differ")
      XCTAssertLessThanOrEqual(maximum, Self.tolerance, fixture.file)
    }
  }
}
