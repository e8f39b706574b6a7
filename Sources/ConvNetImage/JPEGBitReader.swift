/// Reads the entropy-coded data of a JPEG scan bit by bit, most significant bit first.
///
/// Inside entropy-coded data a 0xFF byte is followed by a stuffed 0x00 (T.81 F.1.2.3); any
/// other byte after 0xFF is a marker. On reaching a marker the reader stops consuming bytes
/// and supplies zero bits, as libjpeg does, so the final Huffman codes of a scan can be looked
/// up with a full-width peek; the scan decoder then checks the marker. Reaching the physical
/// end of the data inside a scan means the file was cut short (a scan is always followed by a
/// marker), and throws `EndOfData`.
struct JPEGBitReader {
  struct EndOfData: Error {}
  /// An invalid Huffman code: no code of any length 1…16 matches the next bits.
  struct BadHuffmanCode: Error {}

  let bytes: [UInt8]
  /// Index of the next byte to load; stays on the 0xFF of a marker once one is reached.
  private(set) var position: Int
  /// Buffered bits, left-aligned: the next bit is the top bit.
  private var buffer: UInt64 = 0
  private var bitCount = 0
  private(set) var reachedMarker = false

  init(bytes: [UInt8], position: Int) {
    self.bytes = bytes
    self.position = position
  }

  /// Loads bytes until more than 56 bits are buffered.
  private mutating func fill() throws {
    while bitCount <= 56 {
      var byte: UInt8 = 0
      if !reachedMarker {
        guard position < bytes.count else { throw EndOfData() }
        byte = bytes[position]
        if byte == 0xFF {
          guard position + 1 < bytes.count else { throw EndOfData() }
          let next = bytes[position + 1]
          if next == 0x00 {
            position += 2
          } else if next == 0xFF {
            // Fill bytes before a marker (T.81 B.1.1.2): skip one and look again.
            position += 1
            continue
          } else {
            reachedMarker = true
            byte = 0
          }
        } else {
          position += 1
        }
      }
      buffer |= UInt64(byte) << UInt64(56 - bitCount)
      bitCount += 8
    }
  }

  /// Reads `count` (0…16) bits as an unsigned number.
  @inline(__always)
  mutating func bits(_ count: Int) throws -> Int {
    if count == 0 { return 0 }
    if bitCount < count { try fill() }
    let value = Int(buffer >> UInt64(64 - count))
    buffer <<= UInt64(count)
    bitCount -= count
    return value
  }

  @inline(__always)
  mutating func bit() throws -> Int { try bits(1) }

  /// Reads `count` bits and sign-extends them as T.81 F.2.2.1 EXTEND: values below
  /// 2^(count−1) stand for negative numbers.
  @inline(__always)
  mutating func extended(_ count: Int) throws -> Int {
    let value = try bits(count)
    return value < (1 << (count - 1)) ? value - (1 << count) + 1 : value
  }

  /// Decodes one Huffman-coded symbol.
  @inline(__always)
  mutating func decode(_ table: JPEGHuffmanTable) throws -> Int {
    if bitCount < 16 { try fill() }
    let peek = Int(buffer >> 48)
    let entry = table.lookup[peek >> (16 - JPEGHuffmanTable.lookupBits)]
    if entry != 0 {
      let length = Int(entry >> 8)
      buffer <<= UInt64(length)
      bitCount -= length
      return Int(entry & 0xFF)
    }
    for length in (JPEGHuffmanTable.lookupBits + 1)...16 {
      let code = Int32(peek >> (16 - length))
      if code <= table.maxCode[length] {
        buffer <<= UInt64(length)
        bitCount -= length
        let index = Int(code + table.valueOffset[length])
        guard index >= 0 && index < table.symbols.count else { throw BadHuffmanCode() }
        return Int(table.symbols[index])
      }
    }
    throw BadHuffmanCode()
  }

  /// Drops buffered bits and moves to the next marker, skipping any stray bytes before it.
  /// Returns the marker code (the byte after 0xFF) and leaves `position` after it, or nil
  /// at the end of the data.
  mutating func nextMarker() -> (marker: UInt8, offset: Int)? {
    buffer = 0
    bitCount = 0
    reachedMarker = false
    while position + 1 < bytes.count {
      if bytes[position] == 0xFF && bytes[position + 1] != 0x00 && bytes[position + 1] != 0xFF {
        let marker = bytes[position + 1]
        position += 2
        return (marker, position - 2)
      }
      position += 1
    }
    position = bytes.count
    return nil
  }
}
