import Foundation

/// Text files are UTF-8: decoding checks every byte and names the first bad one, because a
/// silently substituted U+FFFD would become a token of its own in the vocabulary.
public enum UTF8Text {
  /// The bytes as a string, after a leading byte-order mark is dropped.
  ///
  /// - Parameter file: the name used in the error.
  /// - Throws: `DataError` with field "byte N" (0-based offset in the file) when the bytes are
  ///   not well-formed UTF-8: a stray continuation byte, a truncated sequence, an overlong
  ///   encoding, a surrogate (U+D800…U+DFFF) or a value above U+10FFFF.
  public static func decode(_ bytes: [UInt8], file: String) throws -> String {
    let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    if let (offset, problem) = firstInvalidSequence(in: bytes, from: start) {
      throw DataError(file: file, field: "byte \(offset)", problem: "is not valid UTF-8 (\(problem))")
    }
    return String(decoding: bytes[start...], as: UTF8.self)
  }

  /// The contents of the text file at `url`, decoded as UTF-8 (see `decode(_:file:)`).
  public static func read(contentsOf url: URL) throws -> String {
    try decode([UInt8](try DataFile.read(url)), file: url.path)
  }

  /// The offset of the first ill-formed sequence and what is wrong with it, or nil.
  /// Follows the well-formed byte sequences of Unicode §3.9, table 3-7.
  static func firstInvalidSequence(in bytes: [UInt8], from start: Int) -> (Int, String)? {
    var i = start
    let n = bytes.count
    while i < n {
      let lead = bytes[i]
      if lead < 0x80 {
        i += 1
        continue
      }
      let length: Int
      var low: UInt8 = 0x80
      var high: UInt8 = 0xBF
      switch lead {
      case 0xC2...0xDF: length = 2
      case 0xE0:
        length = 3
        low = 0xA0
      case 0xE1...0xEC, 0xEE...0xEF: length = 3
      case 0xED:
        length = 3
        high = 0x9F
      case 0xF0:
        length = 4
        low = 0x90
      case 0xF1...0xF3: length = 4
      case 0xF4:
        length = 4
        high = 0x8F
      case 0x80...0xBF:
        return (i, String(format: "continuation byte 0x%02X without a lead byte", lead))
      case 0xC0, 0xC1:
        return (i, String(format: "0x%02X starts an overlong encoding", lead))
      default:
        return (i, String(format: "0x%02X is never used in UTF-8", lead))
      }
      guard i + length <= n else {
        return (i, "a \(length)-byte sequence is cut off by the end of the file")
      }
      for k in 1..<length {
        let byte = bytes[i + k]
        let allowed = k == 1 ? (low...high) : (0x80...0xBF)
        guard allowed.contains(byte) else {
          if k == 1 && (0x80...0xBF).contains(byte) {
            let what =
              lead == 0xED ? "a surrogate code point" : (lead == 0xF4 ? "above U+10FFFF" : "overlong")
            return (i, String(format: "0x%02X 0x%02X is ", lead, byte) + what)
          }
          return (
            i,
            String(
              format: "0x%02X starts a %d-byte sequence but byte %d is 0x%02X", lead, length, k + 1, byte)
          )
        }
      }
      i += length
    }
    return nil
  }
}
