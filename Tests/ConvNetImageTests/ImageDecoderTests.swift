import ConvNetImage
import Foundation
import XCTest

/// Format detection by magic bytes, and the channel conversions of Image+Channels.swift.
final class ImageDecoderTests: XCTestCase {
  func testFormatIsChosenByContentNotExtension() throws {
    // A JPEG named .png and a PNG named .jpg decode as what they are.
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("ImageDecoderTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let jpegAsPNG = directory.appendingPathComponent("photo.png")
    let pngAsJPEG = directory.appendingPathComponent("drawing.jpg")
    try Data(try Fixture.bytes("baseline_grey_13x9.jpg")).write(to: jpegAsPNG)
    try Data(try Fixture.bytes("rgba8_13x9.png")).write(to: pngAsJPEG)
    XCTAssertEqual(
      try ImageDecoder.decode(contentsOf: jpegAsPNG),
      try JPEGDecoder.decode(try Fixture.bytes("baseline_grey_13x9.jpg"), name: "a"))
    XCTAssertEqual(try ImageDecoder.decode(contentsOf: pngAsJPEG).channels, 4)
    XCTAssertEqual(ImageDecoder.format(of: try Fixture.bytes("rgb8_32x24.png")), .png)
    XCTAssertEqual(ImageDecoder.format(of: try Fixture.bytes("baseline_444_32x24.jpg")), .jpeg)
  }

  func testUnknownFormatIsRefusedWithItsFirstBytes() throws {
    let gif = Array("GIF89a".utf8) + [1, 0, 1, 0]
    assertDecodingError(
      .unknownFormat, containing: ["cat.gif: not a PNG or JPEG file (starts with 47 49 46 38)"]
    ) { try ImageDecoder.decode(gif, name: "cat.gif") }
    assertDecodingError(.unknownFormat, containing: ["empty.png: not a PNG or JPEG file (the file is empty)"]) {
      try ImageDecoder.decode([UInt8](), name: "empty.png")
    }
  }

  func testGrayscaleMatchesPillowLuma() throws {
    let fixture = try XCTUnwrap(Fixture.all.first { $0.kind == "luma" })
    let image = try ImageDecoder.decode(try Fixture.bytes(fixture.file), name: fixture.file)
    let grey = image.grayscale()
    XCTAssertEqual(grey.channels, 1)
    // Pillow rounds L to 8 bits: (19595 R + 38470 G + 7471 B + 2^15) >> 16.
    let expected = try fixture.referenceSamples()
    let actual = grey.pixels.map { $0 * 255 }
    let worst = zip(actual, expected).map { abs($0 - Float($1)) }.max() ?? .infinity
    XCTAssertLessThanOrEqual(worst, 0.5 + 1e-3, "max |L − Pillow L| in 1/255 units")
  }

  func testChannelConversions() {
    // 2×1 RGBA: red half-transparent, white opaque.
    let rgba = Image(width: 2, height: 1, channels: 4, pixels: [1, 1, 0, 1, 0, 1, 0.5, 1])
    XCTAssertEqual(rgba.rgb().pixels, [1, 1, 0, 1, 0, 1])
    XCTAssertEqual(rgba.grayscale().pixels[0], 0.299, accuracy: 1e-6)
    XCTAssertEqual(rgba.grayscale().pixels[1], 1, accuracy: 1e-6)
    let greyAlpha = Image(width: 2, height: 1, channels: 2, pixels: [0.25, 0.75, 1, 0])
    XCTAssertEqual(greyAlpha.grayscale().pixels, [0.25, 0.75])
    XCTAssertEqual(greyAlpha.rgb().pixels, [0.25, 0.75, 0.25, 0.75, 0.25, 0.75])
    let grey = Image(width: 1, height: 1, channels: 1, pixels: [0.5])
    XCTAssertEqual(grey.grayscale(), grey)
    XCTAssertEqual(grey.rgb().pixels, [0.5, 0.5, 0.5])
  }
}
