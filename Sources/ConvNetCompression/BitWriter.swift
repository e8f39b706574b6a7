/// Writes a DEFLATE bit stream: fields are packed into bytes least-significant bit first
/// (RFC 1951 section 3.1.1), the mirror of `BitReader`.
///
/// Bits collect in a 64-bit buffer and leave it four bytes at a time, so each `write` is a
/// shift, an OR and, every 32 bits, one flush.
struct BitWriter {
  private(set) var bytes: [UInt8] = []
  /// Pending bits, the oldest in the least significant position.
  private var buffer: UInt64 = 0
  /// How many bits of `buffer` are pending (always < 32 between calls).
  private var bitCount = 0

  init(capacity: Int) { bytes.reserveCapacity(capacity) }

  /// The number of bits written so far, including the pending ones.
  var totalBits: Int { bytes.count * 8 + bitCount }

  /// Appends the low `count` bits of `value` (count ≤ 32), least significant first. Huffman
  /// codes are passed already bit-reversed (`HuffmanCode.codes`), so they too go out this way.
  @inline(__always)
  mutating func write(_ value: UInt32, bits count: Int) {
    buffer |= UInt64(value) << UInt64(bitCount)
    bitCount += count
    if bitCount >= 32 {
      let word = UInt32(truncatingIfNeeded: buffer)
      bytes.append(UInt8(truncatingIfNeeded: word))
      bytes.append(UInt8(truncatingIfNeeded: word >> 8))
      bytes.append(UInt8(truncatingIfNeeded: word >> 16))
      bytes.append(UInt8(truncatingIfNeeded: word >> 24))
      buffer >>= 32
      bitCount -= 32
    }
  }

  /// Pads with zero bits up to the next byte boundary and moves every pending byte out.
  mutating func alignToByte() {
    while bitCount > 0 {
      bytes.append(UInt8(truncatingIfNeeded: buffer))
      buffer >>= 8
      bitCount = max(0, bitCount - 8)
    }
    buffer = 0
  }

  /// Appends whole bytes; the writer must be byte-aligned (after `alignToByte`).
  mutating func appendBytes(_ source: UnsafeBufferPointer<UInt8>) {
    bytes.append(contentsOf: source)
  }
}
