import ConvNetIO
import XCTest

/// The 16-bit conversions, against values worked out by hand from the bit layouts
/// (binary16: 1 sign, 5 exponent bits with bias 15, 10 mantissa bits).
final class HalfPrecisionTests: XCTestCase {
  func testHalfToFloatNormalsAndZeros() {
    XCTAssertEqual(floatFromHalfBits(0x3C00), 1)  // exponent 15 → 2⁰
    XCTAssertEqual(floatFromHalfBits(0xC000), -2)  // sign, exponent 16
    XCTAssertEqual(floatFromHalfBits(0x3800), 0.5)
    XCTAssertEqual(floatFromHalfBits(0x7BFF), 65504)  // (2 − 2⁻¹⁰) · 2¹⁵, the largest half
    XCTAssertEqual(floatFromHalfBits(0x3555), 0.333251953125)  // (1 + 341/1024) / 4
    XCTAssertEqual(floatFromHalfBits(0x0400), 0x1p-14)  // smallest normal
    XCTAssertEqual(floatFromHalfBits(0x0000).bitPattern, 0)
    XCTAssertEqual(floatFromHalfBits(0x8000).bitPattern, 0x8000_0000)  // −0 keeps its sign
  }

  func testHalfToFloatSubnormalsInfinitiesAndNaN() {
    XCTAssertEqual(floatFromHalfBits(0x0001), 0x1p-24)  // smallest subnormal: 1 · 2⁻²⁴
    XCTAssertEqual(floatFromHalfBits(0x03FF), 1023 * 0x1p-24)  // largest subnormal
    XCTAssertEqual(floatFromHalfBits(0x8200), -512 * 0x1p-24)
    XCTAssertEqual(floatFromHalfBits(0x7C00), .infinity)
    XCTAssertEqual(floatFromHalfBits(0xFC00), -.infinity)
    XCTAssertTrue(floatFromHalfBits(0x7E00).isNaN)
    XCTAssertTrue(floatFromHalfBits(0x7C01).isNaN)  // signalling-pattern NaN is still NaN
    XCTAssertTrue(floatFromHalfBits(0xFE00).isNaN)
  }

  func testFloatToHalfRoundsToNearestEven() {
    XCTAssertEqual(halfBitsFromFloat(1), 0x3C00)
    // 1 + 2⁻¹¹ is exactly halfway between 1 (mantissa 0, even) and 1 + 2⁻¹⁰: ties to even.
    XCTAssertEqual(halfBitsFromFloat(1 + 0x1p-11), 0x3C00)
    // 1 + 3·2⁻¹² is above halfway: rounds up to 1 + 2⁻¹⁰.
    XCTAssertEqual(halfBitsFromFloat(1 + 3 * 0x1p-12), 0x3C01)
    // 1 + 3·2⁻¹¹ is halfway between mantissas 1 (odd) and 2 (even): rounds up to even.
    XCTAssertEqual(halfBitsFromFloat(1 + 3 * 0x1p-11), 0x3C02)
    // Just below 1 the spacing is 2⁻¹¹: 1 − 2⁻¹¹ is exact (0x3BFF, exponent 14, mantissa 1023);
    // 1 − 2⁻¹² is halfway to 1 and 0x3BFF is odd, so the rounding carries into the exponent.
    XCTAssertEqual(halfBitsFromFloat(1 - 0x1p-11), 0x3BFF)
    XCTAssertEqual(halfBitsFromFloat(1 - 0x1p-12), 0x3C00)
    XCTAssertEqual(halfBitsFromFloat(-0.5), 0xB800)
    XCTAssertEqual(halfBitsFromFloat(-0.0), 0x8000)
  }

  func testFloatToHalfOverflowAndSpecials() {
    XCTAssertEqual(halfBitsFromFloat(65504), 0x7BFF)
    XCTAssertEqual(halfBitsFromFloat(65519), 0x7BFF)  // below the halfway point 65520
    XCTAssertEqual(halfBitsFromFloat(65520), 0x7C00)  // tie; 0x7BFF is odd → infinity
    XCTAssertEqual(halfBitsFromFloat(1e10), 0x7C00)
    XCTAssertEqual(halfBitsFromFloat(-.infinity), 0xFC00)
    let nan = halfBitsFromFloat(.nan)
    XCTAssertEqual(nan & 0x7C00, 0x7C00)
    XCTAssertNotEqual(nan & 0x03FF, 0)
  }

  func testFloatToHalfSubnormals() {
    XCTAssertEqual(halfBitsFromFloat(0x1p-24), 0x0001)
    XCTAssertEqual(halfBitsFromFloat(0x1p-25), 0x0000)  // half a unit, tie to even (0)
    XCTAssertEqual(halfBitsFromFloat(0x1.000002p-25), 0x0001)  // just above half a unit
    XCTAssertEqual(halfBitsFromFloat(3 * 0x1p-25), 0x0002)  // 1.5 units, tie → 2
    XCTAssertEqual(halfBitsFromFloat(5 * 0x1p-25), 0x0002)  // 2.5 units, tie → 2
    XCTAssertEqual(halfBitsFromFloat(-1023 * 0x1p-24), 0x83FF)
    XCTAssertEqual(halfBitsFromFloat(1023.5 * 0x1p-24), 0x0400)  // tie, rounds into normals
    XCTAssertEqual(halfBitsFromFloat(1e-10), 0x0000)
    XCTAssertEqual(halfBitsFromFloat(.leastNonzeroMagnitude), 0x0000)
  }

  /// Every half value survives half → float → half unchanged (NaNs stay NaN).
  func testEveryHalfRoundTrips() {
    for bits in UInt16.min...UInt16.max {
      let value = floatFromHalfBits(bits)
      if value.isNaN {
        XCTAssertTrue(floatFromHalfBits(halfBitsFromFloat(value)).isNaN, "bits \(bits)")
      } else {
        XCTAssertEqual(halfBitsFromFloat(value), bits, "bits \(bits)")
      }
    }
  }

  func testBFloat16ToFloat() {
    XCTAssertEqual(floatFromBFloat16Bits(0x3F80), 1)
    XCTAssertEqual(floatFromBFloat16Bits(0xC020), -2.5)
    XCTAssertEqual(floatFromBFloat16Bits(0x3C00), 0.0078125)  // 2⁻⁷
    XCTAssertEqual(floatFromBFloat16Bits(0x0001), 0x1p-133)  // subnormal
    XCTAssertEqual(floatFromBFloat16Bits(0xFF80), -.infinity)
    XCTAssertTrue(floatFromBFloat16Bits(0x7FC0).isNaN)
  }

  #if !(os(macOS) && arch(x86_64))
    /// An independent check against the compiler's own Float16 conversions (not available on
    /// Intel Macs).
    func testAgreesWithSwiftFloat16() {
      for bits in UInt16.min...UInt16.max {
        let ours = floatFromHalfBits(bits)
        let swift = Float(Float16(bitPattern: bits))
        if swift.isNaN {
          XCTAssertTrue(ours.isNaN, "bits \(bits)")
        } else {
          XCTAssertEqual(ours.bitPattern, swift.bitPattern, "bits \(bits)")
        }
      }
      var generator = SystemRandomNumberGenerator()
      for _ in 0..<200_000 {
        // Random bit patterns cover every exponent, including the subnormal-half range.
        let value = Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &generator))
        if value.isNaN { continue }
        XCTAssertEqual(halfBitsFromFloat(value), Float16(value).bitPattern, "value \(value)")
      }
    }
  #endif
}
