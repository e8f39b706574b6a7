import ConvNetIO
import ConvNetTensor
import Foundation
import XCTest

/// Reads files written by the reference implementation (Python `safetensors`, see
/// Fixtures/make_fixtures.py) and checks the exact values the script wrote.
final class SafetensorsReferenceTests: XCTestCase {
  private func fixture(_ name: String) throws -> URL {
    try XCTUnwrap(
      Bundle.module.url(forResource: name, withExtension: "safetensors", subdirectory: "Fixtures"),
      "missing test resource Fixtures/\(name).safetensors")
  }

  func testEntriesAndMetadata() throws {
    let file = try SafetensorsFile.read(from: fixture("reference"))
    XCTAssertEqual(file.metadata, ["format": "pt", "producer": "make_fixtures.py"])
    // The reference writer orders data by dtype alignment, then name; entries follow the data.
    XCTAssertEqual(
      file.names,
      [
        "i64", "num_batches_tracked", "f64", "empty", "f32", "i32", "bf16", "f16", "f16_nan",
        "i16", "i8", "u8", "bool",
      ])
    let f16 = try file.entry(named: "f16")
    XCTAssertEqual(f16.dtype, .f16)
    XCTAssertEqual(f16.shape, [2, 4])
    XCTAssertEqual(f16.dataOffsets, 88..<104)
    XCTAssertEqual(try file.entry(named: "num_batches_tracked").shape, [])
  }

  func testFloatTensors() throws {
    let file = try SafetensorsFile.read(from: fixture("reference"))

    let f32 = try file.tensor(named: "f32")
    XCTAssertEqual(f32.shape, [2, 3])
    // numpy rounds the Python doubles 1e-3 and 1e30 to float32, as Float(Double) does.
    XCTAssertEqual(
      f32.scalars, [0.5, -1.25, 3, Float(0.001 as Double), -0.0, Float(1e30 as Double)])
    XCTAssertEqual(f32.scalars[4].sign, .minus)

    let f16 = try file.tensor(named: "f16")
    XCTAssertEqual(f16.shape, [2, 4])
    XCTAssertEqual(f16.scalars, [1, -2, 0.5, 65504, 0x1p-24, 0x1p-14, .infinity, -.infinity])
    XCTAssertTrue(try file.tensor(named: "f16_nan").scalars[0].isNaN)

    let bf16 = try file.tensor(named: "bf16")
    XCTAssertEqual(bf16.shape, [2, 2])
    XCTAssertEqual(bf16.scalars, [1, -2.5, 3.140625, 0.0078125])
    // bfloat16 patterns 0x3F80, 0xC020, 0x4049, 0x3C00, little-endian.
    XCTAssertEqual(
      [UInt8](try file.rawBytes(named: "bf16")), [0x80, 0x3F, 0x20, 0xC0, 0x49, 0x40, 0x00, 0x3C])

    let f64 = try file.tensor(named: "f64")
    XCTAssertEqual(f64.scalars, [Float(0.1 as Double), -3.5])

    let empty = try file.tensor(named: "empty")
    XCTAssertEqual(empty.shape, [0, 3])
    XCTAssertEqual(empty.count, 0)
  }

  func testIntegerTensors() throws {
    let file = try SafetensorsFile.read(from: fixture("reference"))

    XCTAssertEqual(try file.int64Values(named: "i64"), [0, -7, 1_099_511_627_779])
    // 2⁴⁰ + 3 is not a Float32; the spacing there is 2¹⁷, so it rounds to 2⁴⁰.
    XCTAssertEqual(try file.tensor(named: "i64").scalars, [0, -7, 1_099_511_627_776])

    let counter = try file.tensor(named: "num_batches_tracked")
    XCTAssertEqual(counter.shape, [])
    XCTAssertEqual(counter.scalar, 42)
    XCTAssertEqual(try file.int64Values(named: "num_batches_tracked"), [42])

    XCTAssertEqual(try file.tensor(named: "i32").scalars, [-2_147_483_648, 2_147_483_648])
    XCTAssertEqual(try file.tensor(named: "i16").scalars, [-32768, 12345])
    XCTAssertEqual(try file.tensor(named: "i8").scalars, [-128, 127])
    let u8 = try file.tensor(named: "u8")
    XCTAssertEqual(u8.shape, [1, 2])
    XCTAssertEqual(u8.scalars, [0, 255])
    XCTAssertEqual(try file.tensor(named: "bool").scalars, [1, 0, 1])
  }

  func testReadStateDict() throws {
    let stateDict = try readStateDict(from: fixture("state_dict"))
    XCTAssertEqual(Set(stateDict.keys), ["conv1.weight", "conv1.bias", "bn.num_batches_tracked"])
    XCTAssertEqual(
      stateDict["conv1.weight"],
      Tensor(shape: [1, 1, 2, 3], scalars: [0, 0.25, 0.5, 0.75, 1, 1.25]))
    XCTAssertEqual(stateDict["conv1.bias"], Tensor(shape: [1], scalars: [-1.5]))
    XCTAssertEqual(stateDict["bn.num_batches_tracked"], Tensor(7))
  }
}
