extension Zlib {
  /// Compresses `bytes` into a zlib stream (RFC 1950): the 2-byte header (deflate, 32 KiB
  /// window), the DEFLATE data from `Deflate.compress`, and the big-endian Adler-32 of `bytes`.
  /// - Parameters:
  ///   - level: 0 (store only) … 9 (slowest, smallest); 6 is zlib's default.
  ///   - strategy: which DEFLATE block encodings may be used.
  public static func compress(
    _ bytes: [UInt8], level: Int = 6, strategy: Deflate.Strategy = .automatic
  ) -> [UInt8] {
    bytes.withUnsafeBufferPointer { compress($0, level: level, strategy: strategy) }
  }

  /// Compresses the bytes in `input` into a zlib stream; see `compress(_:level:strategy:)`.
  public static func compress(
    _ input: UnsafeBufferPointer<UInt8>, level: Int = 6, strategy: Deflate.Strategy = .automatic
  ) -> [UInt8] {
    // CMF: method 8 (deflate), CINFO 7 (a 2^(7+8) = 32 KiB window). FLG: FLEVEL says how hard
    // the compressor tried (informational), FCHECK makes CMF·256 + FLG a multiple of 31.
    let cmf: UInt16 = 0x78
    let clamped = min(max(level, 0), 9)
    let flevel: UInt16 = clamped < 2 ? 0 : clamped < 6 ? 1 : clamped == 6 ? 2 : 3
    var flg = flevel << 6
    flg += (31 - (cmf << 8 | flg) % 31) % 31
    var output: [UInt8] = [UInt8(cmf), UInt8(flg)]
    output += Deflate.compress(input, level: level, strategy: strategy)
    var adler = Adler32()
    adler.update(UnsafeRawBufferPointer(input))
    let checksum = adler.value
    output += [
      UInt8(checksum >> 24), UInt8((checksum >> 16) & 0xFF), UInt8((checksum >> 8) & 0xFF),
      UInt8(checksum & 0xFF),
    ]
    return output
  }
}
