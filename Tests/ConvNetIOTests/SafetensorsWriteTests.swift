import ConvNetIO
import ConvNetTensor
import Foundation
import XCTest

final class SafetensorsWriteTests: XCTestCase {
  func testRoundTripF32F16I64() throws {
    let directory = try makeTemporaryDirectory()
    let url = directory.appendingPathComponent("model.safetensors")
    let weight = Tensor(shape: [2, 3], scalars: [0.1, -2.5, 1e-8, 3e38, -0.0, 7])
    // Exactly representable in half: 2⁻²⁴ is the smallest subnormal, 65504 the largest finite,
    // and between 512 and 1024 the spacing is 0.5.
    let half = Tensor(shape: [5], scalars: [1, -0.375, 65504, 0x1p-24, 1023.5])
    let counter = Tensor(shape: [], scalars: [123_456])
    let labels = Tensor(shape: [3], scalars: [-3, 0, 16_777_216])
    try SafetensorsFile.write(
      [
        (name: "weight", tensor: weight, dtype: .f32),
        (name: "half", tensor: half, dtype: .f16),
        (name: "bn.num_batches_tracked", tensor: counter, dtype: .i64),
        (name: "labels", tensor: labels, dtype: .i64),
      ],
      metadata: ["format": "pt"], to: url)

    let file = try SafetensorsFile.read(from: url)
    XCTAssertEqual(file.names, ["weight", "half", "bn.num_batches_tracked", "labels"])
    XCTAssertEqual(file.metadata, ["format": "pt"])
    XCTAssertEqual(try file.entry(named: "half").dtype, .f16)
    XCTAssertEqual(try file.entry(named: "half").dataOffsets, 24..<34)
    XCTAssertEqual(try file.tensor(named: "weight"), weight)
    XCTAssertEqual(try file.tensor(named: "weight").scalars[4].sign, .minus)
    XCTAssertEqual(try file.tensor(named: "half"), half)
    XCTAssertEqual(try file.tensor(named: "bn.num_batches_tracked"), counter)
    XCTAssertEqual(try file.int64Values(named: "bn.num_batches_tracked"), [123_456])
    XCTAssertEqual(try file.int64Values(named: "labels"), [-3, 0, 16_777_216])
  }

  func testF16RoundingWorkedByHand() throws {
    let url = try makeTemporaryDirectory().appendingPathComponent("half.safetensors")
    let values: [Float] = [1 + 0x1p-11, 1 + 3 * 0x1p-12, 1 + 3 * 0x1p-11, 0x1p-25, 3 * 0x1p-25]
    try SafetensorsFile.write(
      [(name: "x", tensor: Tensor(shape: [5], scalars: values), dtype: .f16)], to: url)
    let file = try SafetensorsFile.read(from: url)
    // 1 + 2⁻¹¹: tie between 1 and 1 + 2⁻¹⁰ → even (1). 1 + 3·2⁻¹²: above the tie → 1 + 2⁻¹⁰.
    // 1 + 3·2⁻¹¹: tie between mantissas 1 and 2 → 2. 2⁻²⁵: tie between 0 and 2⁻²⁴ → 0.
    // 3·2⁻²⁵: tie between 2⁻²⁴ and 2⁻²³ → 2⁻²³.
    XCTAssertEqual(
      try file.tensor(named: "x").scalars, [1, 1 + 0x1p-10, 1 + 0x1p-9, 0, 0x1p-23])
    XCTAssertEqual(
      [UInt8](try file.rawBytes(named: "x")),
      [0x00, 0x3C, 0x01, 0x3C, 0x02, 0x3C, 0x00, 0x00, 0x02, 0x00])
  }

  /// The exact bytes: length field, compact header with sorted keys and space padding, data in
  /// the order given.
  func testLayoutIsDeterministic() throws {
    let url = try makeTemporaryDirectory().appendingPathComponent("layout.safetensors")
    try SafetensorsFile.write(
      [
        (name: "b", tensor: Tensor(shape: [2], scalars: [1, -2]), dtype: .f32),
        (name: "a", tensor: Tensor(5), dtype: .i64),
      ],
      metadata: ["z": "last", "k": "v\"q"], to: url)
    let bytes = [UInt8](try Data(contentsOf: url))
    let json =
      #"{"__metadata__":{"k":"v\"q","z":"last"},"#
      + #""a":{"dtype":"I64","shape":[],"data_offsets":[8,16]},"#
      + #""b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
    XCTAssertEqual(json.utf8.count, 146)  // so 6 spaces pad the header to 152 = 19 · 8
    let header = json + "      "
    XCTAssertEqual(Array(bytes[0..<8]), [152, 0, 0, 0, 0, 0, 0, 0])
    XCTAssertEqual(String(decoding: bytes[8..<160], as: UTF8.self), header)
    XCTAssertEqual(
      Array(bytes[160...]),
      [
        0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0,  // 1.0, −2.0 as little-endian F32
        0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // 5 as little-endian I64
      ])
  }

  func testAtomicWriteLeavesOnlyTheFile() throws {
    let directory = try makeTemporaryDirectory()
    let url = directory.appendingPathComponent("w.safetensors")
    try SafetensorsFile.write([(name: "x", tensor: Tensor(1), dtype: .f32)], to: url)
    // Replacing an existing file also goes through a temporary file and a rename.
    try SafetensorsFile.write([(name: "y", tensor: Tensor(2), dtype: .f32)], to: url)
    XCTAssertEqual(try contents(of: directory), ["w.safetensors"])
    XCTAssertEqual(try SafetensorsFile.read(from: url).names, ["y"])
  }

  func testFailedWriteLeavesExistingFileUntouched() throws {
    let directory = try makeTemporaryDirectory()
    let url = directory.appendingPathComponent("w.safetensors")
    try SafetensorsFile.write([(name: "x", tensor: Tensor(1), dtype: .f32)], to: url)
    let before = try Data(contentsOf: url)
    XCTAssertThrowsError(
      try SafetensorsFile.write(
        [(name: "x", tensor: Tensor(shape: [2], scalars: [1, 0.5]), dtype: .i64)], to: url))
    XCTAssertEqual(try Data(contentsOf: url), before)
    XCTAssertEqual(try contents(of: directory), ["w.safetensors"])
  }

  func testWriteIntoMissingDirectoryFailsCleanly() throws {
    let directory = try makeTemporaryDirectory()
    let url = directory.appendingPathComponent("no/such/dir/w.safetensors")
    assertWriteFails(
      [(name: "x", tensor: Tensor(1), dtype: .f32)], to: url, mentioning: ["cannot create"])
    XCTAssertEqual(try contents(of: directory), [])
  }

  func testRejectedTensors() throws {
    let directory = try makeTemporaryDirectory()
    let url = directory.appendingPathComponent("bad.safetensors")
    let one = Tensor(1)
    assertWriteFails(
      [(name: "a", tensor: one, dtype: .f32), (name: "a", tensor: one, dtype: .f16)], to: url,
      mentioning: ["tensor \"a\"", "duplicate tensor name"])
    assertWriteFails(
      [(name: "__metadata__", tensor: one, dtype: .f32)], to: url, mentioning: ["reserved"])
    assertWriteFails(
      [(name: "w", tensor: one, dtype: .bf16)], to: url,
      mentioning: ["tensor \"w\"", "cannot write BF16", "F32, F16, I64"])
    assertWriteFails(
      [(name: "h", tensor: Tensor(shape: [2], scalars: [1, 70000]), dtype: .f16)], to: url,
      mentioning: ["tensor \"h\"", "element 1 = 70000.0", "too large for F16"])
    assertWriteFails(
      [(name: "n", tensor: Tensor(shape: [2], scalars: [3, 2.5]), dtype: .i64)], to: url,
      mentioning: ["tensor \"n\"", "element 1 = 2.5", "not a whole number"])
    assertWriteFails(
      [(name: "n", tensor: Tensor(.nan), dtype: .i64)], to: url,
      mentioning: ["element 0 = nan", "expected integral values"])
    assertWriteFails(
      [(name: "n", tensor: Tensor(0x1p63), dtype: .i64)], to: url,
      mentioning: ["not a whole number in the Int64 range"])
    XCTAssertEqual(try contents(of: directory), [])
  }

  func testF16KeepsInfinityAndNaN() throws {
    let url = try makeTemporaryDirectory().appendingPathComponent("special.safetensors")
    let values = Tensor(shape: [3], scalars: [.infinity, -.infinity, .nan])
    try SafetensorsFile.write([(name: "s", tensor: values, dtype: .f16)], to: url)
    let read = try SafetensorsFile.read(from: url).tensor(named: "s").scalars
    XCTAssertEqual(Array(read[0..<2]), [.infinity, -.infinity])
    XCTAssertTrue(read[2].isNaN)
  }

  func testStateDictRoundTrip() throws {
    let url = try makeTemporaryDirectory().appendingPathComponent("state.safetensors")
    let stateDict: [String: Tensor] = [
      "fc.weight": Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]),
      "fc.bias": Tensor(shape: [2], scalars: [0.5, -0.5]),
      "bn.num_batches_tracked": Tensor(9),
    ]
    try writeStateDict(
      stateDict, to: url, dtypes: ["bn.num_batches_tracked": .i64], metadata: ["format": "pt"])
    let file = try SafetensorsFile.read(from: url)
    // Data in name order.
    XCTAssertEqual(file.names, ["bn.num_batches_tracked", "fc.bias", "fc.weight"])
    XCTAssertEqual(try file.entry(named: "bn.num_batches_tracked").dtype, .i64)
    XCTAssertEqual(try file.entry(named: "fc.weight").dtype, .f32)
    XCTAssertEqual(try readStateDict(from: url), stateDict)

    assertThrows(
      try writeStateDict(stateDict, to: url, dtypes: ["missing": .i64]),
      mentioning: ["tensor \"missing\"", "not in the state dict"])
  }

  private func assertWriteFails(
    _ tensors: [(name: String, tensor: Tensor, dtype: SafetensorsDType)], to url: URL,
    mentioning fragments: [String], file: StaticString = #filePath, line: UInt = #line
  ) {
    assertThrows(
      try SafetensorsFile.write(tensors, to: url), mentioning: [url.path] + fragments,
      file: file, line: line)
    XCTAssertFalse(FileManager.default.fileExists(atPath: url.path), file: file, line: line)
  }
}

/// Asserts that `expression` throws a `SafetensorsError` whose description contains every
/// fragment.
func assertThrows<T>(
  _ expression: @autoclosure () throws -> T, mentioning fragments: [String],
  file: StaticString = #filePath, line: UInt = #line
) {
  do {
    _ = try expression()
    XCTFail("expected an error mentioning \(fragments)", file: file, line: line)
  } catch let error as SafetensorsError {
    for fragment in fragments where !error.description.contains(fragment) {
      XCTFail("error \"\(error)\" does not mention \"\(fragment)\"", file: file, line: line)
    }
  } catch {
    XCTFail("expected SafetensorsError, got \(error)", file: file, line: line)
  }
}
