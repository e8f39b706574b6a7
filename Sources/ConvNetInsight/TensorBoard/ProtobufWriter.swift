/// A write-only encoder of the protocol-buffer wire format, enough for TensorBoard's `Event`
/// and `Summary` messages (we write four message types and read none, so no generated code).
///
/// Each field is a key — `(field number << 3) | wire type` as a varint — then its value:
/// varint (wire type 0) for integers, 8 little-endian bytes (1) for double, 4 (5) for float,
/// and a varint length then the bytes (2) for strings, bytes and nested messages.
/// (https://protobuf.dev/programming-guides/encoding/)
struct ProtobufWriter {
  private(set) var bytes: [UInt8] = []

  enum WireType: UInt64 {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case fixed32 = 5
  }

  mutating func varint(_ value: UInt64) {
    var rest = value
    while rest >= 0x80 {
      bytes.append(UInt8(rest & 0x7F) | 0x80)
      rest >>= 7
    }
    bytes.append(UInt8(rest))
  }

  mutating func key(_ field: Int, _ wireType: WireType) {
    varint(UInt64(field) << 3 | wireType.rawValue)
  }

  /// int32 and int64 fields: a negative value is sign-extended to 64 bits (ten bytes).
  mutating func int(_ field: Int, _ value: Int64) {
    key(field, .varint)
    varint(UInt64(bitPattern: value))
  }

  mutating func double(_ field: Int, _ value: Double) {
    key(field, .fixed64)
    bytes += TFRecordFraming.littleEndianBytes(value.bitPattern)
  }

  mutating func float(_ field: Int, _ value: Float) {
    key(field, .fixed32)
    bytes += TFRecordFraming.littleEndianBytes(value.bitPattern)
  }

  mutating func lengthDelimited(_ field: Int, _ content: [UInt8]) {
    key(field, .lengthDelimited)
    varint(UInt64(content.count))
    bytes += content
  }

  mutating func string(_ field: Int, _ value: String) { lengthDelimited(field, Array(value.utf8)) }
}
