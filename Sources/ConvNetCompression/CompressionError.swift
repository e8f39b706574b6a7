/// Why a compressed stream could not be decoded, and where.
///
/// `offset` is the byte offset in the input at which the problem was found (for bit-level
/// DEFLATE errors, the byte holding the offending bit). The description reads, e.g.,
/// `gzip: byte offset 1234: CRC-32 mismatch: stored 0x1C291CA3, computed 0x3610A686`.
public struct CompressionError: Error, Equatable, CustomStringConvertible, Sendable {
  /// The broad class of problem, for callers that want to react to it programmatically.
  public enum Kind: String, Sendable {
    /// The input ended before the stream did.
    case truncated
    /// A container header (gzip, zlib) is malformed or uses an unsupported feature.
    case invalidHeader
    /// The DEFLATE data itself is malformed (bad block type, bad code, bad distance, …).
    case invalidData
    /// A stored CRC-32 or Adler-32 does not match the decoded bytes.
    case checksumMismatch
    /// A stored length (gzip ISIZE) does not match the decoded bytes.
    case lengthMismatch
    /// Bytes follow the end of the stream that do not belong to it.
    case trailingData
    /// The decoded data would exceed the size the caller allowed.
    case outputLimitExceeded
  }

  /// The format being decoded: "deflate", "gzip" or "zlib".
  public var format: String
  public var kind: Kind
  /// Byte offset in the input where the problem was detected.
  public var offset: Int
  /// What was wrong and what was expected.
  public var reason: String

  public init(format: String, kind: Kind, offset: Int, reason: String) {
    self.format = format
    self.kind = kind
    self.offset = offset
    self.reason = reason
  }

  public var description: String { "\(format): byte offset \(offset): \(reason)" }
}
