/// Writes hand-made DEFLATE bit streams for tests: fields least-significant bit first, Huffman
/// codes most-significant bit first (RFC 1951 section 3.1.1), independent of the decoder. Shared
/// by the ConvNetCompression tests and the ConvNetData tests that build gzip files bit by bit.
public struct DeflateBitWriter {
  public private(set) var bytes: [UInt8] = []
  private var bitCount = 0

  public init() {}

  /// Appends the low `count` bits of `value`, least significant first (header fields, extra bits).
  public mutating func field(_ value: Int, bits count: Int) {
    for i in 0..<count { appendBit((value >> i) & 1) }
  }

  /// Appends a `count`-bit Huffman code, most significant bit first.
  public mutating func code(_ value: Int, bits count: Int) {
    for i in stride(from: count - 1, through: 0, by: -1) { appendBit((value >> i) & 1) }
  }

  private mutating func appendBit(_ bit: Int) {
    if bitCount % 8 == 0 { bytes.append(0) }
    bytes[bytes.count - 1] |= UInt8(bit) << UInt8(bitCount % 8)
    bitCount += 1
  }
}
