import ConvNetBase
import ConvNetImage
import TestSupport
import XCTest

/// Normalisation, contrast stretch, jitter, CLAHE and random erasing, checked by hand and
/// against OpenCV (CLAHE references from Fixtures/augment_reference.py).
final class TransformPhotometricTests: XCTestCase {
  func testNormalizeSubtractsMeanAndDividesByStdPerChannel() {
    let image = Image(width: 2, height: 1, channels: 3, pixels: [0.5, 1, 0.2, 0.4, 0, 1])
    var generator = SeededGenerator(seed: 0)
    let normalized = Normalize(mean: [0.5, 0.2, 0.5], std: [0.5, 0.1, 0.25])
      .apply(image, using: &generator)
    assertClose(normalized.pixels, [0, 1, 0, 2, -2, 2])
    // One value for every channel.
    assertClose(image.normalized(mean: [0.5], std: [0.5]).pixels, [0, 1, -0.6, -0.2, -1, 1])
  }

  func testContrastNormalizationByHand() {
    // Values 0.2, 0.4, 0.6, 0.8: μ = 0.5, σ = √0.05 = 0.2236068.
    let image = Image(width: 2, height: 2, channels: 1, pixels: [0.2, 0.4, 0.6, 0.8])
    // k = 2: y = 0.5 + (x − 0.5)/(4σ) = 0.5 ± 0.3/0.8944272, 0.5 ± 0.1/0.8944272.
    assertClose(
      image.contrastNormalized(k: 2).pixels, [0.1645898, 0.3881966, 0.6118034, 0.8354102])
    // k = 1: the outer values leave [0, 1] and are clipped.
    assertClose(image.contrastNormalized(k: 1).pixels, [0, 0.2763932, 0.7236068, 1])
    // A flat image has no contrast to stretch: uniform 0.5.
    let flat = Image(width: 3, height: 1, channels: 1, repeating: 0.9)
    XCTAssertEqual(flat.contrastNormalized().pixels, [0.5, 0.5, 0.5])
  }

  func testContrastNormalizationLeavesAlphaAlone() {
    let image = Image(width: 2, height: 1, channels: 2, pixels: [0.2, 0.8, 0.3, 0.7])
    let result = ContrastNormalization(k: 2).apply(image, using: &generatorForDeterministicSteps)
    // μ = 0.5, σ = 0.3: 0.5 ± 0.3/1.2.
    assertClose(result.pixels, [0.25, 0.75, 0.3, 0.7])
  }

  func testBrightnessAndContrastAdjustments() {
    let image = Image(width: 4, height: 1, channels: 1, pixels: [0.2, 0.4, 0.6, 0.8])
    assertClose(image.adjustingBrightness(by: 1.5).pixels, [0.3, 0.6, 0.9, 1])
    // Mean grey 0.5; deviations doubled and clipped.
    assertClose(image.adjustingContrast(by: 2).pixels, [0, 0.3, 0.7, 1])
    assertClose(image.adjustingContrast(by: 0).pixels, [0.5, 0.5, 0.5, 0.5])
  }

  func testColorJitterStaysWithinItsRange() {
    let image = Image(width: 1, height: 1, channels: 1, pixels: [0.5])
    var generator = SeededGenerator(seed: 9)
    var outputs = Set<Float>()
    for _ in 0..<50 {
      let value = ColorJitter(brightness: 0.2).apply(image, using: &generator)[0, 0, 0]
      XCTAssertTrue(value >= 0.4 && value <= 0.6, "\(value)")
      outputs.insert(value)
    }
    XCTAssertGreaterThan(outputs.count, 40)
  }

  func testCLAHEOnAConstantImageStaysConstant() {
    // 16×16 at level 128, 2×2 tiles of 64 pixels, clip 2 → limit max(⌊2·64/256⌋, 1) = 1.
    // Each tile: bin 128 keeps 1, the 63 excess go one each to bins 0, 4, …, 248. The
    // cumulative count at 128 is 33 (bins 0, 4, …, 128) + 1 = 34 → round(34·255/64) = 135.
    let image = Image(width: 16, height: 16, channels: 1, repeating: 128 / 255)
    let result = image.equalizedCLAHE(clipLimit: 2, tileColumns: 2, tileRows: 2)
    XCTAssertEqual(result.pixels, [Float](repeating: 135 / 255, count: 256))
  }

  func testCLAHEClipLimitBoundsTheContrastGain() {
    // One 16×16 tile, half the pixels at level 100 and half at 200.
    var image = Image(width: 16, height: 16, channels: 1, repeating: 100 / 255)
    for y in 8..<16 { for x in 0..<16 { image[0, y, x] = 200 / 255 } }
    // Unclipped (limit ⌊1000·256/256⌋ = 1000 > 128) this is global equalisation:
    // 100 → round(128·255/256) = round(127.5) = 128 (ties to even), 200 → 255.
    let unclipped = image.equalizedCLAHE(clipLimit: 1000, tileColumns: 1, tileRows: 1)
    XCTAssertEqual(Set(unclipped.pixels), [128 / 255, 255 / 255])
    // Clip 4 → limit 4: each peak gives up 124, the 248 counts go one each to bins 0…247.
    // At 100: 101 + 4 = 105 → round(105·255/256) = 105; at 200: 201 + 8 = 209 → 208.
    let clipped = image.equalizedCLAHE(clipLimit: 4, tileColumns: 1, tileRows: 1)
    XCTAssertEqual(clipped[0, 0, 0], 105 / 255)
    XCTAssertEqual(clipped[0, 15, 15], 208 / 255)
  }

  func testCLAHEIncreasesTheSpreadOfALowContrastRamp() {
    var ramp = Image(width: 64, height: 16, channels: 1)
    for y in 0..<16 { for x in 0..<64 { ramp[0, y, x] = 0.4 + 0.2 * Float(x) / 63 } }
    let result = CLAHE(clipLimit: 4, tileColumns: 4, tileRows: 2)
      .apply(ramp, using: &generatorForDeterministicSteps)
    let spread = result.pixels.max()! - result.pixels.min()!
    XCTAssertGreaterThan(spread, 0.3, "input spread is 0.2")
    XCTAssertGreaterThan(standardDeviation(result.pixels), 1.25 * standardDeviation(ramp.pixels))
    // A higher clip limit allows more contrast gain.
    let spreads = [1, 4, 40].map { (clip: Float) -> Float in
      let equalized = ramp.equalizedCLAHE(clipLimit: clip, tileColumns: 4, tileRows: 2)
      return standardDeviation(equalized.pixels)
    }
    XCTAssertTrue(spreads[0] < spreads[1] && spreads[1] < spreads[2], "\(spreads)")
  }

  func testCLAHEMatchesOpenCV() {
    for reference in AugmentationReference.clahe {
      let image = Image(
        width: reference.width, height: reference.height, channels: 1,
        pixels: reference.input.map { Float($0) / 255 })
      let result = image.equalizedCLAHE(
        clipLimit: reference.clipLimit, tileColumns: reference.tileColumns,
        tileRows: reference.tileRows)
      let levels = result.pixels.map { Int(($0 * 255).rounded()) }
      XCTAssertEqual(
        levels, reference.output.map(Int.init), "\(reference.width)×\(reference.height)")
    }
  }

  func testCLAHEOnRGBShiftsAllChannelsByTheLumaChange() {
    var image = Image(width: 8, height: 8, channels: 3)
    for y in 0..<8 {
      for x in 0..<8 {
        image[0, y, x] = 0.5 + 0.01 * Float(x)
        image[1, y, x] = 0.45 + 0.01 * Float(y)
        image[2, y, x] = 0.4
      }
    }
    let result = image.equalizedCLAHE(clipLimit: 40, tileColumns: 1, tileRows: 1)
    let before = image.luma()
    // Where a channel hit 0 or 1 it was clipped; elsewhere the shift is exactly shared.
    let unclipped = (0..<64).filter { i in
      (0..<3).allSatisfy { (0.001...0.999).contains(result.pixels[$0 * 64 + i]) }
    }
    XCTAssertGreaterThan(unclipped.count, 16)
    XCTAssertLessThan(unclipped.count, 64, "the case should exercise clipping too")
    for i in unclipped {
      let changes = (0..<3).map { result.pixels[$0 * 64 + i] - image.pixels[$0 * 64 + i] }
      XCTAssertEqual(changes[0], changes[1], accuracy: 1e-5)
      XCTAssertEqual(changes[1], changes[2], accuracy: 1e-5)
      // The change is the equalised luma minus the luma, so the new luma is on the 8-bit grid.
      let newLuma = before[i] + changes[0]
      XCTAssertEqual(newLuma * 255, (newLuma * 255).rounded(), accuracy: 1e-3)
    }
  }

  func testRandomErasingFillsOneRectangleOfTheRightSize() {
    let ones = Image(width: 20, height: 20, channels: 3, repeating: 1)
    let transform = RandomErasing(p: 1, scale: 0.1...0.2, ratio: 0.5...2, fill: .constant(0.5))
    var generator = SeededGenerator(seed: 21)
    for _ in 0..<50 {
      let erased = transform.apply(ones, using: &generator)
      let rows = (0..<20).filter { y in (0..<20).contains { erased[0, y, $0] == 0.5 } }
      let columns = (0..<20).filter { x in (0..<20).contains { erased[0, $0, x] == 0.5 } }
      XCTAssertFalse(rows.isEmpty)
      let expected = ones.erasing(
        x: columns.first!, y: rows.first!, width: columns.count, height: rows.count, value: 0.5)
      XCTAssertEqual(erased, expected, "must be one solid rectangle in every channel")
      let fraction = Float(rows.count * columns.count) / 400
      XCTAssertTrue(fraction > 0.1 - 0.04 && fraction < 0.2 + 0.04, "fraction \(fraction)")
    }
    let never = RandomErasing(p: 0)
    XCTAssertEqual(never.apply(ones, using: &generator), ones)
  }

  func testRandomErasingWithRandomFillIsReproducible() {
    let image = Image(width: 16, height: 16, channels: 1, repeating: 1)
    let transform = RandomErasing(p: 1, fill: .random)
    var first = SeededGenerator(seed: 4)
    var second = SeededGenerator(seed: 4)
    let a = transform.apply(image, using: &first)
    XCTAssertEqual(a, transform.apply(image, using: &second))
    XCTAssertTrue(a.pixels.contains { $0 < 1 })
  }

  private func standardDeviation(_ values: [Float]) -> Float {
    let mean = values.reduce(0, +) / Float(values.count)
    return (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(values.count))
      .squareRoot()
  }

  private var generatorForDeterministicSteps = SeededGenerator(seed: 0)
}
