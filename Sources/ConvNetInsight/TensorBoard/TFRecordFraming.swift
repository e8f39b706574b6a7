/// The TFRecord framing that TensorBoard event files use, one record after another:
///
/// ```
/// uint64 length            little-endian, the data's byte count
/// uint32 masked CRC-32C    of the 8 length bytes
/// byte   data[length]      here: one serialized `Event` protocol buffer
/// uint32 masked CRC-32C    of the data
/// ```
/// (tensorflow/core/lib/io/record_writer.cc, `RecordWriter::WriteRecord`.)
public enum TFRecordFraming {
  /// `data` framed as one record.
  public static func frame(_ data: [UInt8]) -> [UInt8] {
    let length = littleEndianBytes(UInt64(data.count))
    var record: [UInt8] = []
    record.reserveCapacity(data.count + 16)
    record += length
    record += littleEndianBytes(CRC32C.masked(CRC32C.checksum(length)))
    record += data
    record += littleEndianBytes(CRC32C.masked(CRC32C.checksum(data)))
    return record
  }

  static func littleEndianBytes<Integer: FixedWidthInteger>(_ value: Integer) -> [UInt8] {
    (0..<Integer.bitWidth / 8).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
  }
}
