/// Reads a DEFLATE bit stream: bits are packed into bytes least-significant bit first
/// (RFC 1951 section 3.1.1).
///
/// Up to 64 bits are held in `buffer`; `refill` tops it up to at least 56 bits with a single
/// unaligned 8-byte load when 8 input bytes remain, so one refill covers a whole
/// length/distance pair (at most 15 + 5 + 15 + 13 = 48 bits). Past the end of the input the
/// buffer is padded with zero bits; `bitCount` says how many are real, and callers check it
/// before consuming, which is how truncated streams are detected.
struct BitReader {
  let input: UnsafeRawBufferPointer
  /// The next input byte to load into `buffer`.
  var position: Int
  /// Unconsumed bits, next bit in the least significant position.
  var buffer: UInt64 = 0
  /// How many bits of `buffer` are real input.
  var bitCount: Int = 0

  init(input: UnsafeRawBufferPointer, position: Int) {
    self.input = input
    self.position = position
  }

  /// The byte offset of the next unconsumed bit, for error messages.
  var byteOffset: Int { (position * 8 - bitCount) / 8 }

  @inline(__always)
  mutating func refill() {
    if position + 8 <= input.count {
      // Load 8 bytes, keep as many whole bytes as fit above the bits already held. Bits of a
      // partially kept byte are loaded again next time; OR-ing the same bits is harmless.
      let word = UInt64(
        littleEndian: input.loadUnaligned(fromByteOffset: position, as: UInt64.self))
      buffer |= word << UInt64(bitCount)
      position += (63 - bitCount) >> 3
      bitCount |= 56
    } else {
      while bitCount <= 56 && position < input.count {
        buffer |= UInt64(input[position]) << UInt64(bitCount)
        position += 1
        bitCount += 8
      }
    }
  }

  /// Removes `count` bits that the caller has checked are available.
  @inline(__always)
  mutating func consume(_ count: Int) {
    buffer >>= UInt64(count)
    bitCount -= count
  }

  /// Reads a `count`-bit little-endian field (count ≤ 32).
  mutating func bits(_ count: Int, format: String, field: @autoclosure () -> String) throws
    -> Int
  {
    if bitCount < count { refill() }
    guard bitCount >= count else {
      throw CompressionError(
        format: format, kind: .truncated, offset: input.count,
        reason: "input ends inside \(field()) (needs \(count) more bits)")
    }
    let value = Int(buffer & ((1 << UInt64(count)) - 1))
    consume(count)
    return value
  }

  /// Drops the bits up to the next byte boundary and hands the whole bytes still held in
  /// `buffer` back to the input, so that `position` is the next unread byte.
  mutating func alignToByte() {
    consume(bitCount & 7)
    position -= bitCount / 8
    buffer = 0
    bitCount = 0
  }
}
