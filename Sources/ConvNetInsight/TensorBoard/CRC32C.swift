/// CRC-32C (Castagnoli): the checksum of TFRecord files, as TensorFlow's `crc32c` computes it.
///
/// Reflected polynomial 0x82F63B78, initial value and final XOR 0xFFFFFFFF — not the zlib
/// CRC-32 of `ConvNetCompression` (polynomial 0xEDB88320). Check value: CRC-32C("123456789")
/// = 0xE3069283.
public enum CRC32C {
  private static let table: [UInt32] = (0..<256).map { index in
    var crc = UInt32(index)
    for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
    return crc
  }

  /// The CRC-32C of `bytes`.
  public static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
    return crc ^ 0xFFFF_FFFF
  }

  /// TFRecord's masked form: rotated right by 15 bits plus 0xA282EAD8. TensorFlow masks CRCs
  /// it stores because a CRC of data that itself holds CRCs is otherwise weak
  /// (tensorflow/core/lib/hash/crc32c.h, `Mask`).
  public static func masked(_ crc: UInt32) -> UInt32 {
    ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
  }
}
