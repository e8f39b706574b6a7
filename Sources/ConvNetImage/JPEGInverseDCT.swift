/// The accurate integer inverse DCT of libjpeg (`jidctint.c`, `jpeg_idct_islow`), which is
/// also libjpeg-turbo's default and so what Pillow uses: its output matches theirs exactly.
///
/// It is the Loeffler–Ligtenberg–Moschytz 1-D IDCT with 13-bit fixed-point constants, applied
/// to columns (keeping 2 extra bits of precision) and then to rows. Results are level-shifted
/// by +128 and clamped through libjpeg's range-limit table (which also folds the wild values
/// of corrupt data back into 0…255 the same way).
enum JPEGInverseDCT {
  private static let constBits = 13
  private static let pass1Bits = 2

  // FIX(x) = round(x · 2^13).
  private static let fix0_298631336 = 2446
  private static let fix0_390180644 = 3196
  private static let fix0_541196100 = 4433
  private static let fix0_765366865 = 6270
  private static let fix0_899976223 = 7373
  private static let fix1_175875602 = 9633
  private static let fix1_501321110 = 12299
  private static let fix1_847759065 = 15137
  private static let fix1_961570560 = 16069
  private static let fix2_053119869 = 16819
  private static let fix2_562915447 = 20995
  private static let fix3_072711026 = 25172

  /// libjpeg's post-IDCT range limit, indexed by (value & 1023): v ∈ 0…127 → v + 128,
  /// 128…511 → 255, 512…895 → 0, 896…1023 (negative −128…−1) → v − 896.
  private static let rangeLimit: [UInt8] = (0..<1024).map { v in
    if v < 128 { return UInt8(v + 128) }
    if v < 512 { return 255 }
    if v < 896 { return 0 }
    return UInt8(v - 896)
  }

  /// Transforms one block of quantised coefficients (natural order) into 8×8 samples written
  /// to `output` with row stride `stride`.
  /// - Parameters:
  ///   - coefficients: 64 quantised DCT coefficients.
  ///   - quantization: 64 quantiser values in natural order.
  ///   - workspace: 64 caller-owned integers.
  static func transform(
    _ coefficients: UnsafePointer<Int16>, quantization: UnsafePointer<Int32>,
    workspace: UnsafeMutablePointer<Int>, output: UnsafeMutablePointer<UInt8>, stride: Int
  ) {
    // Pass 1: columns, from coefficients into the workspace, scaled up by 2^pass1Bits.
    for column in 0..<8 {
      let input = coefficients + column
      let quant = quantization + column
      @inline(__always) func dequantized(_ row: Int) -> Int {
        Int(input[row * 8]) * Int(quant[row * 8])
      }
      if input[8] == 0 && input[16] == 0 && input[24] == 0 && input[32] == 0
        && input[40] == 0 && input[48] == 0 && input[56] == 0
      {
        // Only DC: the column is constant (same result as the full computation).
        let dc = dequantized(0) << pass1Bits
        for row in 0..<8 { workspace[row * 8 + column] = dc }
        continue
      }
      let results = butterfly(
        dequantized(0), dequantized(1), dequantized(2), dequantized(3),
        dequantized(4), dequantized(5), dequantized(6), dequantized(7))
      let shift = constBits - pass1Bits
      let round = 1 << (shift - 1)
      for row in 0..<8 { workspace[row * 8 + column] = (results[row] + round) >> shift }
    }

    // Pass 2: rows, from the workspace to samples; removes both scalings and the factor 8.
    let shift = constBits + pass1Bits + 3
    for row in 0..<8 {
      let w = workspace + row * 8
      let out = output + row * stride
      if w[1] == 0 && w[2] == 0 && w[3] == 0 && w[4] == 0 && w[5] == 0 && w[6] == 0
        && w[7] == 0
      {
        let value = rangeLimit[((w[0] + (1 << (pass1Bits + 2))) >> (pass1Bits + 3)) & 1023]
        for column in 0..<8 { out[column] = value }
        continue
      }
      let results = butterfly(w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7])
      let round = 1 << (shift - 1)
      for column in 0..<8 { out[column] = rangeLimit[((results[column] + round) >> shift) & 1023] }
    }
  }

  /// The 1-D IDCT of eight inputs, scaled by 2^constBits (before descaling).
  @inline(__always)
  private static func butterfly(
    _ in0: Int, _ in1: Int, _ in2: Int, _ in3: Int, _ in4: Int, _ in5: Int, _ in6: Int,
    _ in7: Int
  ) -> SIMD8<Int> {
    // Even part: the rotator is √2·c(−6).
    var z1 = (in2 + in6) * fix0_541196100
    let tmp2 = z1 + in6 * -fix1_847759065
    let tmp3 = z1 + in2 * fix0_765366865
    let tmp0 = (in0 + in4) << constBits
    let tmp1 = (in0 - in4) << constBits
    let tmp10 = tmp0 + tmp3
    let tmp13 = tmp0 - tmp3
    let tmp11 = tmp1 + tmp2
    let tmp12 = tmp1 - tmp2

    // Odd part (Loeffler figure 8): inputs y7, y5, y3, y1.
    var o0 = in7
    var o1 = in5
    var o2 = in3
    var o3 = in1
    z1 = o0 + o3
    var z2 = o1 + o2
    var z3 = o0 + o2
    var z4 = o1 + o3
    let z5 = (z3 + z4) * fix1_175875602  // √2·c3
    o0 *= fix0_298631336  // √2·(−c1+c3+c5−c7)
    o1 *= fix2_053119869  // √2·( c1+c3−c5+c7)
    o2 *= fix3_072711026  // √2·( c1+c3+c5−c7)
    o3 *= fix1_501321110  // √2·( c1+c3−c5−c7)
    z1 *= -fix0_899976223  // √2·( c7−c3)
    z2 *= -fix2_562915447  // √2·(−c1−c3)
    z3 *= -fix1_961570560  // √2·(−c3−c5)
    z4 *= -fix0_390180644  // √2·( c5−c3)
    z3 += z5
    z4 += z5
    o0 += z1 + z3
    o1 += z2 + z4
    o2 += z2 + z3
    o3 += z1 + z4

    return SIMD8(
      tmp10 + o3, tmp11 + o2, tmp12 + o1, tmp13 + o0,
      tmp13 - o0, tmp12 - o1, tmp11 - o2, tmp10 - o3)
  }
}
