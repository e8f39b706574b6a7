import ConvNetCompression
import XCTest

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
