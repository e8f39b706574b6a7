/// A bounds-checked cursor over the payload of one JPEG marker segment (after its length).
/// Reading past the payload throws an error naming the marker, so a segment whose length
/// field is too small for its contents is reported rather than read out of bounds.
struct JPEGSegment {
  let bytes: [UInt8]
  /// e.g. "SOF0 marker at byte 20".
  let label: String
  let fail: (ImageDecodingError.Kind, String) -> ImageDecodingError
  private(set) var position: Int
  let end: Int

  init(
    bytes: [UInt8], start: Int, end: Int, label: String,
    fail: @escaping (ImageDecodingError.Kind, String) -> ImageDecodingError
  ) {
    self.bytes = bytes
    self.position = start
    self.end = end
    self.label = label
    self.fail = fail
  }

  var remaining: Int { end - position }

  /// Throws unless at least `count` bytes remain for `field`.
  func require(_ count: Int, for field: String) throws {
    guard remaining >= count else {
      throw fail(
        .malformed,
        "\(label): segment too short for \(field) (needs \(count) more bytes, has \(remaining))")
    }
  }

  mutating func byte(_ field: String) throws -> Int {
    try require(1, for: field)
    position += 1
    return Int(bytes[position - 1])
  }

  mutating func uint16(_ field: String) throws -> Int {
    try require(2, for: field)
    position += 2
    return Int(bytes[position - 2]) << 8 | Int(bytes[position - 1])
  }

  mutating func bytes(_ count: Int, _ field: String) throws -> [UInt8] {
    try require(count, for: field)
    position += count
    return Array(bytes[(position - count)..<position])
  }

  /// Throws if the segment holds more than was read (libjpeg's "bogus marker length").
  func requireEnd() throws {
    guard remaining == 0 else {
      throw fail(.malformed, "\(label): \(remaining) unexpected bytes at the end of the segment")
    }
  }
}
