import ConvNetCompression
import XCTest

/// Writes hand-made DEFLATE bit streams for tests: fields least-significant bit first, Huffman
/// codes most-significant bit first (RFC 1951 section 3.1.1), independent of the decoder.
struct DeflateBitWriter {
  private(set) var bytes: [UInt8] = []
  private var bitCount = 0

  /// Appends the low `count` bits of `value`, least significant first (header fields, extra bits).
  mutating func field(_ value: Int, bits count: Int) {
    for i in 0..<count { appendBit((value >> i) & 1) }
  }

  /// Appends a `count`-bit Huffman code, most significant bit first.
  mutating func code(_ value: Int, bits count: Int) {
    for i in stride(from: count - 1, through: 0, by: -1) { appendBit((value >> i) & 1) }
  }

  private mutating func appendBit(_ bit: Int) {
    if bitCount % 8 == 0 { bytes.append(0) }
    bytes[bytes.count - 1] |= UInt8(bit) << UInt8(bitCount % 8)
    bitCount += 1
  }
}

/// The text inside `CompressionFixtures.dynamicDeflate`, rebuilt with the same generator as
/// make_fixtures.py (a 31-bit linear congruential generator choosing from 16 words).
func fixtureWordText(wordCount: Int) -> [UInt8] {
  let vocabulary = [
    "alpha", "beta", "gamma", "delta", "kernel", "stride", "pool", "tensor", "batch", "epoch",
    "loss", "grad", "relu", "conv", "mnist", "digit",
  ]
  var x = 12345
  var words: [String] = []
  for _ in 0..<wordCount {
    x = (x * 1_103_515_245 + 12345) % (1 << 31)
    words.append(vocabulary[(x >> 16) % 16])
  }
  return Array(words.joined(separator: " ").utf8)
}

/// Asserts that `expression` throws a `CompressionError` of `kind` whose description contains
/// every string in `fragments`.
func assertCompressionError(
  _ expression: @autoclosure () throws -> some Any, kind: CompressionError.Kind,
  _ fragments: [String], file: StaticString = #filePath, line: UInt = #line
) {
  do {
    _ = try expression()
    XCTFail("expected a \(kind) CompressionError, but decoding succeeded", file: file, line: line)
  } catch let error as CompressionError {
    XCTAssertEqual(error.kind, kind, "\(error)", file: file, line: line)
    for fragment in fragments {
      XCTAssertTrue(
        error.description.contains(fragment), "“\(error)” lacks “\(fragment)”", file: file,
        line: line)
    }
  } catch {
    XCTFail("expected a CompressionError, got \(error)", file: file, line: line)
  }
}
