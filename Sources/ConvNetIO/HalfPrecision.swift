// Conversions between Float32 and the 16-bit formats of safetensors files, written out bit by
// bit so that they behave the same on every platform (Swift's `Float16` type is missing on
// some) and so that every case — subnormals, infinities, NaN, rounding ties — is visible here.
//
// Layouts (most significant bit first):
//   Float32   s eeeeeeee mmmmmmmmmmmmmmmmmmmmmmm   bias 127
//   binary16  s eeeee mmmmmmmmmm                   bias 15
//   bfloat16  s eeeeeeee mmmmmmm                   bias 127 (the top half of a Float32)

/// The Float32 equal to an IEEE 754 binary16 value given by its bit pattern.
///
/// Every half value is exactly representable as a Float32, so this conversion is exact,
/// including subnormals (m · 2⁻²⁴), signed zeros, infinities and NaN (payload kept).
public func floatFromHalfBits(_ bits: UInt16) -> Float {
  let sign = UInt32(bits & 0x8000) << 16
  let exponent = UInt32((bits >> 10) & 0x1F)
  let mantissa = UInt32(bits & 0x3FF)
  switch exponent {
  case 0x1F:
    // Infinity (mantissa 0) or NaN: all-ones exponent, mantissa moved to the top bits.
    return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
  case 0:
    // Zero or subnormal: the value is mantissa · 2⁻²⁴, which Float32 holds exactly.
    let magnitude = Float(mantissa) * 0x1p-24
    return sign == 0 ? magnitude : -magnitude
  default:
    // Normal: re-bias the exponent (−15 + 127) and widen the mantissa.
    return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
  }
}

/// The binary16 bit pattern nearest to `value`, rounding ties to even (IEEE default).
///
/// Magnitudes of 65520 and above round to infinity — callers that must not lose finite values
/// check `isFinite` on the result (see `SafetensorsFile.write`). NaN stays NaN (quiet).
public func halfBitsFromFloat(_ value: Float) -> UInt16 {
  let bits = value.bitPattern
  let sign = UInt16((bits >> 16) & 0x8000)
  let exponent = Int((bits >> 23) & 0xFF)
  let mantissa = bits & 0x7F_FFFF

  if exponent == 0xFF {
    if mantissa == 0 { return sign | 0x7C00 }  // ±infinity
    // NaN: keep the top payload bits and set the quiet bit so it cannot become infinity.
    return sign | 0x7E00 | UInt16(mantissa >> 13)
  }

  let halfExponent = exponent - 127 + 15
  if halfExponent >= 0x1F { return sign | 0x7C00 }  // too large even before rounding

  if halfExponent <= 0 {
    // The result is a half subnormal (or zero): a count of units of 2⁻²⁴. The Float32 value
    // is significand · 2^(exponent − 150), so the count is significand >> (126 − exponent).
    let shift = 126 - exponent
    if shift > 25 { return sign }  // below half a unit (2⁻²⁵): rounds to zero
    let significand = mantissa | 0x80_0000
    let rounded = roundShiftRightToEven(significand, by: shift)
    // A count of 0x400 is the smallest normal half; its bit pattern is the same number.
    return sign | UInt16(rounded)
  }

  // Normal: keep the top 10 mantissa bits and round on the 13 that are dropped. A carry out
  // of the mantissa correctly increments the exponent (and 0x7BFF + 1 becomes infinity).
  let truncated = UInt32(halfExponent << 10) | (mantissa >> 13)
  let increment = roundingIncrement(dropped: mantissa & 0x1FFF, half: 0x1000, kept: truncated)
  let rounded = truncated + increment
  return sign | UInt16(rounded)
}

/// The Float32 equal to a bfloat16 value given by its bit pattern (exact: the 16 bits are
/// the top half of a Float32).
public func floatFromBFloat16Bits(_ bits: UInt16) -> Float {
  Float(bitPattern: UInt32(bits) << 16)
}

/// `value >> shift` rounded to nearest, ties to even (`shift` in 1...31).
private func roundShiftRightToEven(_ value: UInt32, by shift: Int) -> UInt32 {
  let kept = value >> UInt32(shift)
  let dropped = value & ((1 << UInt32(shift)) - 1)
  return kept + roundingIncrement(dropped: dropped, half: 1 << UInt32(shift - 1), kept: kept)
}

/// 1 if the dropped bits call for rounding the kept bits up (more than half, or exactly half
/// with an odd kept value), else 0.
private func roundingIncrement(dropped: UInt32, half: UInt32, kept: UInt32) -> UInt32 {
  (dropped > half || (dropped == half && kept & 1 == 1)) ? 1 : 0
}
