import Foundation

/// The zlib format (RFC 1950), used inside PNG: a 2-byte header, a DEFLATE stream, and the
/// big-endian Adler-32 of the decoded bytes.
public enum Zlib {
  /// Decompresses a zlib stream.
  /// - Throws: `CompressionError` for a bad header (method, window size, FCHECK, preset
  ///   dictionary), malformed DEFLATE data, an Adler-32 mismatch, truncation or trailing bytes.
  public static func decompress(_ data: Data) throws -> [UInt8] {
    try data.withUnsafeBytes { try decompress($0) }
  }

  /// Decompresses a zlib stream held in `bytes`.
  public static func decompress(_ bytes: [UInt8]) throws -> [UInt8] {
    try bytes.withUnsafeBytes { try decompress($0) }
  }

  /// Decompresses a zlib stream held in `input`.
  public static func decompress(_ input: UnsafeRawBufferPointer) throws -> [UInt8] {
    try decompress(input, maximumSize: Int.max)
  }

  /// Decompresses a zlib stream whose contents must not exceed `maximumSize` bytes; decoding
  /// stops soon after the limit is passed, so memory stays near it whatever the input holds.
  /// - Throws: `CompressionError` of kind `.outputLimitExceeded` beyond the limit.
  public static func decompress(_ bytes: [UInt8], maximumSize: Int) throws -> [UInt8] {
    try bytes.withUnsafeBytes { try decompress($0, maximumSize: maximumSize) }
  }

  static func decompress(_ input: UnsafeRawBufferPointer, maximumSize: Int) throws -> [UInt8] {
    func fail(_ kind: CompressionError.Kind, _ offset: Int, _ reason: String) -> CompressionError {
      CompressionError(format: "zlib", kind: kind, offset: offset, reason: reason)
    }
    guard input.count >= 2 else {
      throw fail(.truncated, input.count, "input ends inside the 2-byte header")
    }
    let cmf = input[0]
    let flg = input[1]
    guard cmf & 0x0F == 8 else {
      throw fail(.invalidHeader, 0, "compression method \(cmf & 0x0F), expected 8 (deflate)")
    }
    guard cmf >> 4 <= 7 else {
      throw fail(.invalidHeader, 0, "window size code CINFO \(cmf >> 4), expected at most 7")
    }
    guard (UInt16(cmf) << 8 | UInt16(flg)) % 31 == 0 else {
      throw fail(
        .invalidHeader, 1,
        String(format: "header check failed: 0x%02X%02X is not a multiple of 31", cmf, flg))
    }
    guard flg & 0x20 == 0 else {
      throw fail(.invalidHeader, 1, "FDICT is set: preset dictionaries are not supported")
    }

    let output = OutputBuffer(
      capacity: min(input.count * 4, maximumSize < Int.max ? maximumSize + 64 : Int.max))
    output.limit = maximumSize
    let end: Int
    do {
      end = try Inflate.inflate(input, from: 2, into: output, format: "zlib")
    } catch is OutputLimitReached {
      throw fail(.outputLimitExceeded, 2, "decodes to more than the \(maximumSize) bytes expected")
    }
    guard output.count <= maximumSize else {
      throw fail(
        .outputLimitExceeded, end, "decodes to \(output.count) bytes, more than the \(maximumSize) expected")
    }
    guard end + 4 <= input.count else {
      throw fail(.truncated, input.count, "input ends inside the 4-byte Adler-32 trailer")
    }
    let stored =
      UInt32(input[end]) << 24 | UInt32(input[end + 1]) << 16 | UInt32(input[end + 2]) << 8
      | UInt32(input[end + 3])
    var adler = Adler32()
    adler.update(UnsafeRawBufferPointer(start: output.pointer, count: output.count))
    guard adler.value == stored else {
      throw fail(
        .checksumMismatch, end,
        String(format: "Adler-32 mismatch: stored 0x%08X, computed 0x%08X", stored, adler.value))
    }
    guard end + 4 == input.count else {
      throw fail(
        .trailingData, end + 4, "\(input.count - end - 4) unexpected bytes after the Adler-32")
    }
    return output.bytes()
  }
}
