/// Why an image file could not be decoded.
///
/// The description names the file, the format, where in the file the problem is (marker,
/// chunk, field or byte offset) and what was expected, e.g.
/// `cat.png: PNG: IHDR chunk: bit depth 3 is not allowed for colour type 2 (expected 8 or 16)`.
public struct ImageDecodingError: Error, Equatable, CustomStringConvertible, Sendable {
  /// Broad classes of failure, for callers that want to react differently to each.
  public enum Kind: String, Sendable {
    /// The data ends before the format says it should.
    case truncated
    /// The data breaks a rule of the format.
    case malformed
    /// A stored checksum (PNG chunk CRC, zlib Adler-32) does not match the data.
    case checksumMismatch
    /// The data is legal but uses a feature this decoder does not implement.
    case unsupported
    /// The data is neither PNG nor JPEG.
    case unknownFormat
  }

  /// The file name (or other label) given to the decoder.
  public var file: String
  /// "PNG", "JPEG", or "" when the format could not be determined.
  public var format: String
  public var kind: Kind
  /// What is wrong, where, and what was expected.
  public var reason: String

  public init(file: String, format: String, kind: Kind, reason: String) {
    self.file = file
    self.format = format
    self.kind = kind
    self.reason = reason
  }

  public var description: String {
    format.isEmpty ? "\(file): \(reason)" : "\(file): \(format): \(reason)"
  }
}
