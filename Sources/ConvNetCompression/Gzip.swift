import Foundation

/// The gzip file format (RFC 1952): one or more members, each a header, a DEFLATE stream, and
/// a trailer holding the CRC-32 and the length (mod 2³²) of the member's decoded bytes.
public enum Gzip {
  /// True if `data` starts with the gzip magic bytes 0x1F 0x8B.
  public static func isGzip(_ data: Data) -> Bool {
    data.count >= 2 && data[data.startIndex] == 0x1F && data[data.startIndex + 1] == 0x8B
  }

  /// True if `bytes` starts with the gzip magic bytes 0x1F 0x8B.
  public static func isGzip(_ bytes: [UInt8]) -> Bool {
    bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
  }

  /// Decompresses every member of a gzip file and returns their concatenated contents.
  /// - Throws: `CompressionError` for a bad header, malformed DEFLATE data, a CRC-32 or ISIZE
  ///   mismatch, a truncated file, or bytes after the last member that are not another member.
  public static func decompress(_ data: Data) throws -> [UInt8] {
    try data.withUnsafeBytes { try decompress($0) }
  }

  /// Decompresses every member of a gzip file held in `bytes`.
  public static func decompress(_ bytes: [UInt8]) throws -> [UInt8] {
    try bytes.withUnsafeBytes { try decompress($0) }
  }

  /// Decompresses every member of a gzip file held in `input`.
  public static func decompress(_ input: UnsafeRawBufferPointer) throws -> [UInt8] {
    try decompress(input, maximumSize: Int.max)
  }

  /// Decompresses a gzip file whose contents must not exceed `maximumSize` bytes (e.g. the
  /// size a file format's header announces). Decoding stops soon after the limit is passed,
  /// so memory stays near `maximumSize` whatever the input inflates to.
  /// - Throws: `CompressionError` of kind `.outputLimitExceeded` beyond the limit, or any
  ///   error of `decompress(_:)`.
  public static func decompress(_ data: Data, maximumSize: Int) throws -> [UInt8] {
    try data.withUnsafeBytes { try decompress($0, maximumSize: maximumSize) }
  }

  /// The first `count` decoded bytes of a gzip file (fewer if it holds fewer), decoding no
  /// further: enough to read a header before deciding how much of the rest to accept.
  /// - Throws: `CompressionError` for malformed data met before `count` bytes.
  public static func decompressedPrefix(_ data: Data, count: Int) throws -> [UInt8] {
    try data.withUnsafeBytes { input in
      let output = OutputBuffer(capacity: min(sizeHint(input), count + 64))
      output.limit = count
      do {
        var offset = 0
        repeat {
          offset = try decompressMember(input, at: offset, into: output)
        } while offset < input.count
      } catch is OutputLimitReached {}
      return Array(output.bytes().prefix(count))
    }
  }

  static func decompress(_ input: UnsafeRawBufferPointer, maximumSize: Int) throws -> [UInt8] {
    let output = OutputBuffer(
      capacity: min(sizeHint(input), maximumSize < Int.max ? maximumSize + 64 : Int.max))
    output.limit = maximumSize
    var offset = 0
    do {
      repeat {
        offset = try decompressMember(input, at: offset, into: output)
      } while offset < input.count
    } catch is OutputLimitReached {
      throw CompressionError(
        format: "gzip", kind: .outputLimitExceeded, offset: offset,
        reason: "decodes to more than the \(maximumSize) bytes expected")
    }
    guard output.count <= maximumSize else {
      throw CompressionError(
        format: "gzip", kind: .outputLimitExceeded, offset: input.count,
        reason: "decodes to \(output.count) bytes, more than the \(maximumSize) expected")
    }
    return output.bytes()
  }

  /// The ISIZE of the last member: the exact output size of a single-member file under 4 GiB,
  /// so the output is allocated once. It is only a hint (capped, and never trusted for bounds).
  private static func sizeHint(_ input: UnsafeRawBufferPointer) -> Int {
    guard input.count >= 18 else { return 64 }
    let isize = Int(readUInt32LE(input, at: input.count - 4))
    return min(isize, 1032 * input.count, 1 << 31) + 64
  }

  static func readUInt32LE(_ input: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
    UInt32(input[offset]) | UInt32(input[offset + 1]) << 8 | UInt32(input[offset + 2]) << 16
      | UInt32(input[offset + 3]) << 24
  }

  // Header flag bits (RFC 1952 section 2.3.1).
  private static let flagText: UInt8 = 0x01
  private static let flagHeaderCRC: UInt8 = 0x02
  private static let flagExtra: UInt8 = 0x04
  private static let flagName: UInt8 = 0x08
  private static let flagComment: UInt8 = 0x10

  /// Decodes the member starting at `start`; returns the offset just after its trailer.
  private static func decompressMember(
    _ input: UnsafeRawBufferPointer, at start: Int, into output: OutputBuffer
  ) throws -> Int {
    func fail(_ kind: CompressionError.Kind, _ offset: Int, _ reason: String) -> CompressionError {
      CompressionError(format: "gzip", kind: kind, offset: offset, reason: reason)
    }
    let memberNote = start == 0 ? "" : " (member starting at byte \(start))"
    let available = input.count - start
    let hasMagic =
      available >= 2 ? input[start] == 0x1F && input[start + 1] == 0x8B : available == 0
    guard hasMagic else {
      let found = input[start..<min(start + 2, input.count)]
        .map { String(format: "0x%02X", $0) }.joined(separator: " ")
      if start > 0 {
        throw fail(
          .trailingData, start,
          "\(available) bytes after the last member: they start \(found), not gzip magic 0x1F 0x8B")
      }
      throw fail(.invalidHeader, start, "magic bytes \(found), expected 0x1F 0x8B")
    }
    guard available >= 10 else {
      throw fail(.truncated, input.count, "input ends inside the 10-byte header\(memberNote)")
    }
    guard input[start + 2] == 8 else {
      throw fail(
        .invalidHeader, start + 2,
        "compression method \(input[start + 2]), expected 8 (deflate)\(memberNote)")
    }
    let flags = input[start + 3]
    guard flags & 0xE0 == 0 else {
      throw fail(
        .invalidHeader, start + 3,
        String(format: "reserved flag bits set in FLG 0x%02X (expected 0)", flags) + memberNote)
    }

    var offset = start + 10
    func need(_ count: Int, _ what: String) throws {
      guard offset + count <= input.count else {
        throw fail(.truncated, input.count, "input ends inside the header's \(what)\(memberNote)")
      }
    }
    if flags & flagExtra != 0 {
      try need(2, "FEXTRA length")
      let extraLength = Int(input[offset]) | Int(input[offset + 1]) << 8
      offset += 2
      try need(extraLength, "FEXTRA field")
      offset += extraLength
    }
    // FNAME and FCOMMENT are zero-terminated strings.
    for (flag, what) in [(flagName, "FNAME file name"), (flagComment, "FCOMMENT comment")]
    where flags & flag != 0 {
      while true {
        try need(1, what)
        offset += 1
        if input[offset - 1] == 0 { break }
      }
    }
    if flags & flagHeaderCRC != 0 {
      try need(2, "FHCRC header CRC")
      let stored = UInt32(input[offset]) | UInt32(input[offset + 1]) << 8
      var crc = CRC32()
      crc.update(UnsafeRawBufferPointer(rebasing: input[start..<offset]))
      guard stored == crc.value & 0xFFFF else {
        throw fail(
          .checksumMismatch, offset,
          String(format: "header CRC-16 0x%04X, computed 0x%04X", stored, crc.value & 0xFFFF)
            + memberNote)
      }
      offset += 2
    }

    let outputStart = output.count
    offset = try Inflate.inflate(input, from: offset, into: output, format: "gzip")

    guard offset + 8 <= input.count else {
      throw fail(
        .truncated, input.count, "input ends inside the 8-byte CRC-32/ISIZE trailer\(memberNote)")
    }
    let storedCRC = readUInt32LE(input, at: offset)
    let storedSize = readUInt32LE(input, at: offset + 4)
    let decoded = UnsafeRawBufferPointer(
      start: output.pointer + outputStart, count: output.count - outputStart)
    var crc = CRC32()
    crc.update(decoded)
    guard crc.value == storedCRC else {
      throw fail(
        .checksumMismatch, offset,
        String(format: "CRC-32 mismatch: stored 0x%08X, computed 0x%08X", storedCRC, crc.value)
          + memberNote)
    }
    guard storedSize == UInt32(truncatingIfNeeded: decoded.count) else {
      throw fail(
        .lengthMismatch, offset + 4,
        "ISIZE \(storedSize), but the member decoded to \(decoded.count) bytes\(memberNote)")
    }
    return offset + 8
  }
}
