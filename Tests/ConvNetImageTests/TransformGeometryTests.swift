import ConvNetBase
import ConvNetImage
import TestSupport
import XCTest

/// Crops, padding, flips and affine warps on synthetic images whose answers are known by hand.
/// Rotation convention: positive angle = counter-clockwise on screen (torchvision).
final class TransformGeometryTests: XCTestCase {
  /// A grey image whose value at (x, y) is (x + 1)/100 + (y + 1)/10 — every pixel distinct.
  private func indexed(width: Int, height: Int) -> Image {
    var image = Image(width: width, height: height, channels: 1)
    for y in 0..<height {
      for x in 0..<width { image[0, y, x] = Float(x + 1) / 100 + Float(y + 1) / 10 }
    }
    return image
  }

  /// A two-channel image, zero except for 1 (channel 0) and 0.5 (channel 1) at (x, y).
  private func marked(width: Int, height: Int, x: Int, y: Int) -> Image {
    var image = Image(width: width, height: height, channels: 2)
    image[0, y, x] = 1
    image[1, y, x] = 0.5
    return image
  }

  func testHorizontalFlipReversesAHorizontalGradient() {
    let gradient = Image(
      width: 5, height: 2, channels: 1,
      pixels: [
        0, 0.25, 0.5, 0.75, 1,
        0, 0.25, 0.5, 0.75, 1,
      ])
    XCTAssertEqual(
      gradient.flippedHorizontally().pixels,
      [
        1, 0.75, 0.5, 0.25, 0,
        1, 0.75, 0.5, 0.25, 0,
      ])
  }

  func testVerticalFlipReversesAVerticalGradient() {
    // Two channels, so each plane must be flipped on its own.
    let gradient = Image(
      width: 2, height: 3, channels: 2,
      pixels: [
        0, 0, 0.5, 0.5, 1, 1,
        0.1, 0.1, 0.2, 0.2, 0.3, 0.3,
      ])
    XCTAssertEqual(
      gradient.flippedVertically().pixels,
      [
        1, 1, 0.5, 0.5, 0, 0,
        0.3, 0.3, 0.2, 0.2, 0.1, 0.1,
      ])
  }

  func testRandomFlipsWithProbabilityOneAndZero() {
    let image = indexed(width: 4, height: 3)
    var generator = SeededGenerator(seed: 1)
    XCTAssertEqual(
      RandomHorizontalFlip(1).apply(image, using: &generator), image.flippedHorizontally())
    XCTAssertEqual(RandomVerticalFlip(1).apply(image, using: &generator), image.flippedVertically())
    XCTAssertEqual(RandomHorizontalFlip(0).apply(image, using: &generator), image)
  }

  func testRotationBy90DegreesIsCounterClockwise() {
    // Counter-clockwise by 90° on an N×N image: (x, y) → (y, N − 1 − x), as numpy.rot90.
    for n in [5, 4] {
      for (x, y) in [(n - 1, 1), (0, 0), (2, n - 1)] {
        let rotated = marked(width: n, height: n, x: x, y: y).rotated(degrees: 90)
        var expected = Image(width: n, height: n, channels: 2)
        expected[0, n - 1 - x, y] = 1
        expected[1, n - 1 - x, y] = 0.5
        assertClose(rotated.pixels, expected.pixels, absoluteTolerance: 1e-6, "n=\(n) (\(x), \(y))")
      }
    }
  }

  func testRotationBackAndForthRestoresTheCentre() {
    // 45° there and back: pixels near the centre never leave the image, so they survive up to
    // the blur of two bilinear resamplings of a smooth ramp (which bilinear reproduces exactly).
    let ramp = indexed(width: 9, height: 9)
    let restored = ramp.rotated(degrees: 45).rotated(degrees: -45)
    for y in 3...5 {
      for x in 3...5 { XCTAssertEqual(restored[0, y, x], ramp[0, y, x], accuracy: 1e-5) }
    }
  }

  func testTranslationByAQuarterOfTheWidthShiftsColumnsWithZeroFill() {
    let image = indexed(width: 8, height: 3)
    let shifted = image.translated(x: 0.25, y: 0)
    for y in 0..<3 {
      for x in 0..<8 {
        XCTAssertEqual(shifted[0, y, x], x >= 2 ? image[0, y, x - 2] : 0, "(\(x), \(y))")
      }
    }
    let marker = marked(width: 8, height: 4, x: 5, y: 1).translated(x: -0.25, y: 0.5)
    var expected = Image(width: 8, height: 4, channels: 2)
    expected[0, 3, 3] = 1
    expected[1, 3, 3] = 0.5
    XCTAssertEqual(marker, expected)
  }

  func testScalingByTwoZoomsAboutTheCentre() {
    // Factor 2 about centre 1.5 of a 4-wide row: output x shows source 1.5 + (x − 1.5)/2,
    // i.e. 0.75, 1.25, 1.75, 2.25 → bilinear on values 0, 1, 2, 3.
    let row = Image(width: 4, height: 1, channels: 1, pixels: [0, 1, 2, 3])
    assertClose(row.scaled(by: 2).pixels, [0.75, 1.25, 1.75, 2.25])
  }

  func testShearSlidesRowsBelowTheCentreRight() {
    // 45° shear of a 3×3 image about centre row 1: row 0 moves left by 1, row 2 right by 1.
    let image = indexed(width: 3, height: 3)
    let sheared = image.sheared(degrees: 45)
    assertClose(
      sheared.pixels,
      [
        image[0, 0, 1], image[0, 0, 2], 0, image[0, 1, 0], image[0, 1, 1], image[0, 1, 2], 0,
        image[0, 2, 0], image[0, 2, 1],
      ], absoluteTolerance: 1e-6)
  }

  func testCropPadsWithZerosOutsideTheImage() {
    let image = indexed(width: 3, height: 2)
    let window = image.cropped(x: -1, y: 1, width: 3, height: 2)
    XCTAssertEqual(window.pixels, [0, image[0, 1, 0], image[0, 1, 1], 0, 0, 0])
    XCTAssertEqual(image.cropped(x: 5, y: 0, width: 2, height: 2).pixels, [0, 0, 0, 0])
  }

  func testPaddingAddsABorder() {
    let padded = Image(width: 1, height: 1, channels: 1, pixels: [0.5]).padded(by: 1, fill: 0.25)
    XCTAssertEqual(padded.pixels, [0.25, 0.25, 0.25, 0.25, 0.5, 0.25, 0.25, 0.25, 0.25])
  }

  func testCenterCropPicksTheCentre() {
    let image = indexed(width: 6, height: 5)
    let centre = image.centerCropped(width: 2, height: 3)
    // Left = (6 − 2)/2 = 2, top = (5 − 3)/2 = 1.
    XCTAssertEqual(centre, image.cropped(x: 2, y: 1, width: 2, height: 3))
    XCTAssertEqual(centre[0, 0, 0], image[0, 1, 2])
    var generator = SeededGenerator(seed: 0)
    XCTAssertEqual(CenterCrop(width: 2, height: 3).apply(image, using: &generator), centre)
    // Larger than the image: zero-padded, ⌊(4 − 6)/2⌋ = −1 column on the left.
    let small = Image(width: 2, height: 1, channels: 1, pixels: [0.3, 0.6])
    XCTAssertEqual(small.centerCropped(width: 4, height: 1).pixels, [0, 0.3, 0.6, 0])
  }

  func testCropWithPaddingFourHasZerosInTheExpectedBorder() {
    // Offset (1, 7) in the 40×40 padded image = source origin (−3, 3): three zero columns on the
    // left, three image-less rows at the bottom (rows 29…31 read source rows 32…34).
    let ones = Image(width: 32, height: 32, channels: 3, repeating: 1)
    let crop = ones.cropped(x: -3, y: 3, width: 32, height: 32)
    for c in 0..<3 {
      for y in 0..<32 {
        for x in 0..<32 {
          let inside = x >= 3 && y < 29
          XCTAssertEqual(crop[c, y, x], inside ? 1 : 0, "(\(c), \(x), \(y))")
        }
      }
    }
  }

  func testRandomCropOffsetsStayWithinThePadding() {
    // On an all-ones image the ones in the crop form the rectangle where the window overlaps
    // the image, which reveals the offset; it must lie in −4…4 and both extremes must occur.
    let ones = Image(width: 32, height: 32, channels: 1, repeating: 1)
    let transform = RandomCrop(size: 32, padding: 4)
    var generator = SeededGenerator(seed: 11)
    var seenX = Set<Int>()
    for _ in 0..<400 {
      let crop = transform.apply(ones, using: &generator)
      XCTAssertEqual(crop.width, 32)
      let firstColumn = (0..<32).first { crop[0, 16, $0] == 1 }!
      let lastColumn = (0..<32).last { crop[0, 16, $0] == 1 }!
      let firstRow = (0..<32).first { crop[0, $0, 16] == 1 }!
      // Source x of column 0 is −firstColumn when the window starts left of the image.
      let x = firstColumn > 0 ? -firstColumn : 31 - lastColumn
      let y = firstRow > 0 ? -firstRow : 31 - (0..<32).last { crop[0, $0, 16] == 1 }!
      XCTAssertTrue((-4...4).contains(x) && (-4...4).contains(y), "offset (\(x), \(y))")
      XCTAssertEqual(crop, ones.cropped(x: x, y: y, width: 32, height: 32))
      seenX.insert(x)
    }
    XCTAssertEqual(seenX, Set(-4...4))
  }

  func testRandomResizedCropFallsBackToTheCentre() {
    // Area fraction 1 with aspect 4…5 never fits a square, so after 10 attempts the fallback
    // takes the full width and height round(20/4) = 5, centred: top (20 − 5)/2 = 7.
    let transform = RandomResizedCrop(size: 8, scale: 1...1, ratio: 4...5)
    var generator = SeededGenerator(seed: 3)
    let window = transform.window(width: 20, height: 20, using: &generator)
    XCTAssertTrue(window == (0, 7, 20, 5), "\(window)")
    let image = indexed(width: 20, height: 20)
    var again = SeededGenerator(seed: 3)
    let output = transform.apply(image, using: &again)
    XCTAssertEqual(
      output, image.cropped(x: 0, y: 7, width: 20, height: 5).resized(width: 8, height: 8))
  }

  func testRandomResizedCropWindowsRespectScaleAndRatio() {
    let transform = RandomResizedCrop(size: 16, scale: 0.25...0.5, ratio: 0.5...2)
    var generator = SeededGenerator(seed: 5)
    for _ in 0..<200 {
      let w = transform.window(width: 100, height: 80, using: &generator)
      XCTAssertTrue(w.x >= 0 && w.y >= 0 && w.x + w.width <= 100 && w.y + w.height <= 80)
      let fraction = Double(w.width * w.height) / 8000
      // Rounding each side by up to half a pixel moves the area by about one side length.
      XCTAssertTrue(fraction > 0.25 - 0.02 && fraction < 0.5 + 0.02, "area fraction \(fraction)")
      let aspect = Double(w.width) / Double(w.height)
      XCTAssertTrue(aspect > 0.5 * 0.9 && aspect < 2 * 1.1, "aspect \(aspect)")
    }
  }

  func testRandomAffineTranslationIsAWholePixelShift() {
    let image = marked(width: 8, height: 8, x: 3, y: 4)
    let transform = RandomAffine(translate: 0.25)
    for seed in UInt64(0)..<20 {
      var probe = SeededGenerator(seed: seed)
      let map = transform.transform(width: 8, height: 8, using: &probe)
      XCTAssertEqual([map.a, map.b, map.c, map.d], [1, 0, 0, 1])
      XCTAssertTrue(abs(map.tx) <= 2 && abs(map.ty) <= 2 && map.tx == map.tx.rounded())
      var generator = SeededGenerator(seed: seed)
      let moved = transform.apply(image, using: &generator)
      var expected = Image(width: 8, height: 8, channels: 2)
      expected[0, 4 + Int(map.ty), 3 + Int(map.tx)] = 1
      expected[1, 4 + Int(map.ty), 3 + Int(map.tx)] = 0.5
      XCTAssertEqual(moved, expected, "seed \(seed)")
    }
  }

  func testAffineTransformInverseAndComposition() {
    let centre = (x: 3.5, y: 1.5)
    let map = AffineTransform.rotation(degrees: 30, about: centre)
      .followed(by: .scaling(by: 1.5, about: centre)).followed(by: .translation(x: 2, y: -1))
    let point = map.apply(x: 0.25, y: 4)
    let back = map.inverted!.apply(x: point.x, y: point.y)
    XCTAssertEqual(back.x, 0.25, accuracy: 1e-12)
    XCTAssertEqual(back.y, 4, accuracy: 1e-12)
    XCTAssertNil(AffineTransform(a: 1, b: 2, c: 2, d: 4, tx: 0, ty: 0).inverted)
  }

  func testCopyIntoWritesCHWFloats() {
    let image = Image(width: 2, height: 1, channels: 2, pixels: [0.1, 0.2, 0.3, 0.4])
    var buffer = [Float](repeating: -1, count: 6)
    buffer.withUnsafeMutableBufferPointer { image.copy(into: $0.baseAddress! + 1) }
    XCTAssertEqual(buffer, [-1, 0.1, 0.2, 0.3, 0.4, -1])
  }
}
