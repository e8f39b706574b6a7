/// A canonical Huffman code for the encoder (RFC 1951 section 3.2.2): each symbol's code length
/// and its code, stored bit-reversed so that `BitWriter` (least significant bit first) sends
/// the code most significant bit first, as DEFLATE requires.
struct HuffmanCode {
  /// Code length of each symbol; 0 = the symbol does not occur.
  let lengths: [UInt8]
  /// Bit-reversed code of each symbol (meaningless where the length is 0).
  let codes: [UInt32]

  /// The canonical code for the given lengths (which must satisfy Kraft's inequality).
  init(lengths: [UInt8]) {
    var lengthCounts = [Int](repeating: 0, count: 16)
    for length in lengths where length > 0 { lengthCounts[Int(length)] += 1 }
    var nextCode = [Int](repeating: 0, count: 16)
    var code = 0
    for length in 1...15 {
      code = (code + lengthCounts[length - 1]) << 1
      nextCode[length] = code
    }
    var codes = [UInt32](repeating: 0, count: lengths.count)
    for (symbol, length) in lengths.enumerated() where length > 0 {
      codes[symbol] = UInt32(HuffmanTable.reverse(nextCode[Int(length)], bits: Int(length)))
      nextCode[Int(length)] += 1
    }
    self.lengths = lengths
    self.codes = codes
  }

  /// The fixed literal/length code of block type 1 (section 3.2.6): 288 symbols.
  static let fixedLiteralLength: HuffmanCode = {
    var lengths = [UInt8](repeating: 8, count: 288)
    for symbol in 144..<256 { lengths[symbol] = 9 }
    for symbol in 256..<280 { lengths[symbol] = 7 }
    return HuffmanCode(lengths: lengths)
  }()

  /// The fixed distance code of block type 1: 30 symbols of 5 bits.
  static let fixedDistance = HuffmanCode(lengths: [UInt8](repeating: 5, count: 30))
}
