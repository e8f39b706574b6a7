import ConvNetInsight
import XCTest

/// The bytes of TensorBoard event files: CRC-32C, TFRecord framing and the protobuf messages,
/// against published check values and bytes worked out by hand.
final class TensorBoardEncodingTests: XCTestCase {
  /// The CRC-32C check value and the iSCSI test vectors of RFC 3720, appendix B.4.
  func testCRC32CKnownVectors() {
    XCTAssertEqual(CRC32C.checksum(Array("123456789".utf8)), 0xE306_9283)
    XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0, count: 32)), 0x8A91_36AA)
    XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)), 0x62A8_AB43)
    XCTAssertEqual(CRC32C.checksum((0..<32).map { UInt8($0) }), 0x46DD_794E)
    XCTAssertEqual(CRC32C.checksum([UInt8]()), 0)
  }

  /// mask(0xE3069283): 0xE3069283 >> 15 = 0x0001C60D; (0xE3069283 << 17) mod 2³² = 0x25060000
  /// (its low 15 bits 0x1283 moved up); together 0x2507C60D; + 0xA282EAD8 = 0xC78AB0E5.
  func testMaskedCRC() {
    XCTAssertEqual(CRC32C.masked(0xE306_9283), 0xC78A_B0E5)
    XCTAssertEqual(CRC32C.masked(0), 0xA282_EAD8)
  }

  /// A record holding "abc": 8 length bytes, masked CRC of them, the data, masked CRC of the
  /// data. The two CRCs are those of tensorboard 2.21's own `masked_crc32c`
  /// (tensorboard.compat.tensorflow_stub.pywrap_tensorflow): 0x0E4999B0 and 0x21F1576E.
  func testRecordFraming() {
    let record = TFRecordFraming.frame(Array("abc".utf8))
    XCTAssertEqual(record.count, 8 + 4 + 3 + 4)
    XCTAssertEqual(Array(record[0..<8]), [3, 0, 0, 0, 0, 0, 0, 0])
    XCTAssertEqual(Array(record[8..<12]), [0xB0, 0x99, 0x49, 0x0E])
    XCTAssertEqual(Array(record[12..<15]), [0x61, 0x62, 0x63])
    XCTAssertEqual(Array(record[15..<19]), [0x6E, 0x57, 0xF1, 0x21])
    // An empty record: the data CRC is that of nothing, 0, masked.
    let empty = TFRecordFraming.frame([])
    XCTAssertEqual(Array(empty[12..<16]), [0xD8, 0xEA, 0x82, 0xA2])
  }

  /// Varints, seen through the step field (key 10): 7 bits a byte, low group first, the high
  /// bit set on all but the last; a negative int64 is its 64-bit two's complement (10 bytes).
  func testVarints() {
    func stepBytes(_ step: Int64) -> [UInt8] {
      Array(TensorBoardEvent(wallTime: 0, step: step, content: .fileVersion("")).encoded().dropLast(2))
    }
    XCTAssertEqual(stepBytes(127), [0x10, 0x7F])
    XCTAssertEqual(stepBytes(128), [0x10, 0x80, 0x01])
    XCTAssertEqual(stepBytes(300), [0x10, 0xAC, 0x02])
    XCTAssertEqual(stepBytes(-1), [0x10] + [UInt8](repeating: 0xFF, count: 9) + [0x01])
  }

  /// Event{wall_time 1.5, step 3, summary{value{tag "a", simple_value 0.5}}}, by hand:
  /// 09 (field 1, fixed64) + 1.5 = 0x3FF8000000000000 little-endian; 10 03 (field 2, varint 3);
  /// 2A 0A (field 5, 10 bytes) + Summary: 0A 08 (field 1, 8 bytes) + Value:
  /// 0A 01 61 (tag "a") 15 (field 2, fixed32) + 0.5f = 0x3F000000 little-endian.
  func testScalarEventBytes() {
    let event = TensorBoardEvent(wallTime: 1.5, step: 3, content: .summary([.scalar(tag: "a", value: 0.5)]))
    XCTAssertEqual(
      event.encoded(),
      [
        0x09, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F, 0x10, 0x03, 0x2A, 0x0A,
        0x0A, 0x08, 0x0A, 0x01, 0x61, 0x15, 0, 0, 0, 0x3F,
      ])
  }

  /// The file-version event at step 0: step left out (proto3 default), field 3 (1A), 13 bytes.
  /// A zero scalar is still written (simple_value is in a oneof).
  func testFileVersionAndZeroScalar() {
    let version = TensorBoardEvent(wallTime: 2, step: 0, content: .fileVersion("brain.Event:2"))
    XCTAssertEqual(
      version.encoded(), [0x09, 0, 0, 0, 0, 0, 0, 0, 0x40, 0x1A, 0x0D] + Array("brain.Event:2".utf8))
    let zero = TensorBoardEvent(wallTime: 0, step: 0, content: .summary([.scalar(tag: "z", value: 0)]))
    XCTAssertEqual(zero.encoded(), [0x2A, 0x0A, 0x0A, 0x08, 0x0A, 0x01, 0x7A, 0x15, 0, 0, 0, 0])
  }

  /// Image{height 2, width 300, colorspace 3, encoded_image_string [1,2,3]}:
  /// 08 02 | 10 AC 02 (300 = 0b10_0101100 → AC 02) | 18 03 | 22 03 01 02 03 — 12 bytes;
  /// Value: 0A 01 69 (tag "i") 22 0C (field 4, 12 bytes) + Image — 17 bytes;
  /// Summary: 0A 11 + Value; Event (wall time and step 0, left out): 2A 13 + Summary.
  func testImageEventBytes() {
    let image = TensorBoardImage(width: 300, height: 2, channels: 3, png: [1, 2, 3])
    let event = TensorBoardEvent(wallTime: 0, step: 0, content: .summary([.image(tag: "i", image: image)]))
    XCTAssertEqual(
      event.encoded(),
      [
        0x2A, 0x13, 0x0A, 0x11,
        0x0A, 0x01, 0x69, 0x22, 0x0C, 0x08, 0x02, 0x10, 0xAC, 0x02, 0x18, 0x03, 0x22, 0x03, 1, 2, 3,
      ])
  }
}
