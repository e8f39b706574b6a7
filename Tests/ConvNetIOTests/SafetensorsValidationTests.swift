import ConvNetIO
import Foundation
import XCTest

/// Malformed files, built byte by byte, must be rejected with an error that names the file,
/// the tensor or field, and what was expected.
final class SafetensorsValidationTests: XCTestCase {
  private var directory: URL!

  override func setUpWithError() throws {
    directory = try makeTemporaryDirectory()
  }

  /// Writes `bytes` to a file and asserts that reading it fails with every fragment (and the
  /// file's path) in the message.
  private func assertRejected(
    _ bytes: [UInt8], mentioning fragments: [String],
    file: StaticString = #filePath, line: UInt = #line
  ) throws {
    let url = directory.appendingPathComponent("bad-\(UUID().uuidString).safetensors")
    try Data(bytes).write(to: url)
    assertThrows(
      try SafetensorsFile.read(from: url), mentioning: [url.path] + fragments, file: file,
      line: line)
  }

  /// A file whose header is `json` (length field computed unless `declaredLength` is given)
  /// followed by `bufferByteCount` bytes of data.
  private func file(_ json: String, bufferByteCount: Int = 0, declaredLength: UInt64? = nil)
    -> [UInt8]
  {
    let header = Array(json.utf8)
    let length = declaredLength ?? UInt64(header.count)
    return withUnsafeBytes(of: length.littleEndian, Array.init) + header
      + [UInt8](repeating: 0, count: bufferByteCount)
  }

  private func entry(_ name: String, _ dtype: String, _ shape: String, _ begin: Int, _ end: Int)
    -> String
  {
    #""\#(name)":{"dtype":"\#(dtype)","shape":\#(shape),"data_offsets":[\#(begin),\#(end)]}"#
  }

  func testValidMinimalFilesAreAccepted() throws {
    // No tensors at all, and a header padded with spaces.
    let url = directory.appendingPathComponent("empty.safetensors")
    try Data(file("{}      ")).write(to: url)
    let empty = try SafetensorsFile.read(from: url)
    XCTAssertEqual(empty.entries, [])
    XCTAssertEqual(empty.metadata, [:])

    // Entries listed out of offset order, with an escaped name; fields in any order.
    let json =
      #"{"b\u00e9":{"shape":[1],"data_offsets":[4,8],"dtype":"F32"},"#
      + entry("a", "U8", "[2,2]", 0, 4) + "}"
    let listed = directory.appendingPathComponent("listed.safetensors")
    try Data(file(json, bufferByteCount: 8)).write(to: listed)
    XCTAssertEqual(try SafetensorsFile.read(from: listed).names, ["a", "bé"])
  }

  func testTruncatedFile() throws {
    try assertRejected([1, 0, 0, 0, 0], mentioning: ["5 bytes", "expected at least 8"])
    try assertRejected([], mentioning: ["0 bytes"])
  }

  func testHeaderLengthLargerThanFile() throws {
    try assertRejected(
      file("{}", declaredLength: 200),
      mentioning: ["header length", "200 runs past the end of the file", "expected at most 2"])
  }

  func testAbsurdHeaderLength() throws {
    try assertRejected(
      file("{}", declaredLength: 1 << 40),
      mentioning: ["header length", "1099511627776", "100000000-byte limit"])
    try assertRejected(file("{}", declaredLength: .max), mentioning: ["100000000-byte limit"])
  }

  func testHeaderThatIsNotJSON() throws {
    try assertRejected(
      file(#"{"a": {"dtype": "F32", "shape": [1]"#),
      mentioning: ["field \"header\"", "not valid JSON", "at byte"])
    try assertRejected(file("{} trailing"), mentioning: ["not valid JSON", "after the JSON value"])
    try assertRejected(file(#"{"a":1,"a":2}"#), mentioning: ["duplicate key \"a\""])
    try assertRejected(file("[1, 2]"), mentioning: ["expected a JSON object", "got an array"])
    try assertRejected(
      withUnsafeBytes(of: UInt64(4).littleEndian, Array.init) + [0x7B, 0xFF, 0xFE, 0x7D],
      mentioning: ["not valid UTF-8"])
    // Deep nesting is refused rather than exhausting the stack.
    try assertRejected(
      file(#"{"m":"# + String(repeating: "[", count: 100_000) + "}"),
      mentioning: ["nesting deeper than 64"])
  }

  func testEntryFieldsMissingOrMistyped() throws {
    try assertRejected(
      file(#"{"t":{"shape":[1],"data_offsets":[0,4]}}"#, bufferByteCount: 4),
      mentioning: ["tensor \"t\", field \"dtype\"", "missing", "F32"])
    try assertRejected(
      file(#"{"t":{"dtype":"F32","data_offsets":[0,4]}}"#, bufferByteCount: 4),
      mentioning: ["tensor \"t\", field \"shape\"", "missing"])
    try assertRejected(
      file(#"{"t":{"dtype":"F32","shape":[1]}}"#, bufferByteCount: 4),
      mentioning: ["tensor \"t\", field \"data_offsets\"", "missing", "[begin, end]"])
    try assertRejected(
      file(#"{"t":{"dtype":7,"shape":[1],"data_offsets":[0,4]}}"#, bufferByteCount: 4),
      mentioning: ["field \"dtype\"", "expected a string", "the number 7"])
    try assertRejected(
      file(#"{"t":[1,2]}"#), mentioning: ["tensor \"t\"", "expected an object", "got an array"])
  }

  func testUnknownDType() throws {
    try assertRejected(
      file("{" + entry("t", "F8_E4M3", "[4]", 0, 4) + "}", bufferByteCount: 4),
      mentioning: ["tensor \"t\", field \"dtype\"", "unknown dtype \"F8_E4M3\"", "BF16"])
  }

  func testBadShapes() throws {
    try assertRejected(
      file("{" + entry("t", "F32", "[2,-1]", 0, 8) + "}", bufferByteCount: 8),
      mentioning: ["tensor \"t\", field \"shape\"", "non-negative integers", "-1"])
    try assertRejected(
      file("{" + entry("t", "F32", "[2.0]", 0, 8) + "}", bufferByteCount: 8),
      mentioning: ["field \"shape\"", "the number 2.0"])
    try assertRejected(
      file("{" + entry("t", "F32", "[true]", 0, 4) + "}", bufferByteCount: 4),
      mentioning: ["field \"shape\"", "got true"])
    try assertRejected(
      file("{" + entry("t", "F32", #""2""#, 0, 8) + "}", bufferByteCount: 8),
      mentioning: ["field \"shape\"", "got a string"])
    try assertRejected(
      file("{" + entry("t", "U8", "[4294967296,4294967296]", 0, 8) + "}", bufferByteCount: 8),
      mentioning: ["field \"shape\"", "overflows"])
  }

  func testBadDataOffsets() throws {
    try assertRejected(
      file(#"{"t":{"dtype":"U8","shape":[1],"data_offsets":[0]}}"#, bufferByteCount: 1),
      mentioning: ["field \"data_offsets\"", "expected [begin, end]", "got [0]"])
    try assertRejected(
      file(#"{"t":{"dtype":"U8","shape":[0],"data_offsets":[8,4]}}"#, bufferByteCount: 8),
      mentioning: ["field \"data_offsets\"", "begin ≤ end", "[8, 4]"])
    try assertRejected(
      file(#"{"t":{"dtype":"U8","shape":[1],"data_offsets":[-1,0]}}"#, bufferByteCount: 1),
      mentioning: ["field \"data_offsets\"", "non-negative"])
  }

  func testByteLengthMustMatchShapeAndDType() throws {
    try assertRejected(
      file("{" + entry("w", "F32", "[3]", 0, 8) + "}", bufferByteCount: 8),
      mentioning: [
        "tensor \"w\", field \"data_offsets\"", "spans 8 bytes, expected 12", "3 elements of F32",
      ])
  }

  func testOffsetsOutsideTheBuffer() throws {
    try assertRejected(
      file("{" + entry("w", "F32", "[2]", 0, 8) + "}", bufferByteCount: 4),
      mentioning: ["tensor \"w\"", "[0, 8] runs past the end of the data buffer", "4 bytes"])
  }

  func testOverlappingTensors() throws {
    try assertRejected(
      file(
        "{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12) + "}",
        bufferByteCount: 12),
      mentioning: ["tensor \"b\"", "[4, 12] overlaps tensor \"a\"", "ends at byte 8"])
  }

  func testHoleBetweenTensors() throws {
    try assertRejected(
      file(
        "{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 8, 12) + "}",
        bufferByteCount: 12),
      mentioning: ["tensor \"b\"", "bytes 4..<8", "unused", "contiguously"])
    try assertRejected(
      file("{" + entry("a", "F32", "[1]", 4, 8) + "}", bufferByteCount: 8),
      mentioning: ["tensor \"a\"", "bytes 0..<4"])
  }

  func testBufferLongerThanLastTensor() throws {
    try assertRejected(
      file("{" + entry("a", "F32", "[1]", 0, 4) + "}", bufferByteCount: 6),
      mentioning: ["data buffer has 6 bytes", "end at byte 4", "no trailing bytes"])
  }

  func testMetadataMustBeStrings() throws {
    try assertRejected(
      file(#"{"__metadata__":{"epoch":3}}"#),
      mentioning: ["field \"__metadata__.epoch\"", "expected a string value", "the number 3"])
    try assertRejected(
      file(#"{"__metadata__":"pt"}"#), mentioning: ["field \"__metadata__\"", "expected an object"])
  }

  func testMissingFileAndUnknownTensor() throws {
    let missing = directory.appendingPathComponent("missing.safetensors")
    assertThrows(
      try SafetensorsFile.read(from: missing), mentioning: [missing.path, "cannot read the file"])

    let url = directory.appendingPathComponent("one.safetensors")
    try Data(file("{" + entry("a", "F32", "[1]", 0, 4) + "}", bufferByteCount: 4)).write(to: url)
    let one = try SafetensorsFile.read(from: url)
    assertThrows(
      try one.tensor(named: "b"), mentioning: ["tensor \"b\"", "no such tensor", "\"a\""])
    assertThrows(
      try one.int64Values(named: "a"), mentioning: ["tensor \"a\"", "expected I64", "is F32"])
  }
}
