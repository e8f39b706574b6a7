/// A canonical Huffman code from a JPEG DHT segment (ITU T.81 Annex C), prepared for decoding:
/// codes of up to `lookupBits` bits resolve with one table look-up, longer ones by comparing
/// against the largest code of each length (the `maxcode`/`valptr` method of T.81 F.2.2.3).
struct JPEGHuffmanTable: Sendable {
  static let lookupBits = 9

  /// Indexed by the next `lookupBits` bits: `length << 8 | symbol`, or 0 for a longer code.
  var lookup: [UInt16]
  /// Largest code of each length 1…16 (index = length), −1 when there is none.
  var maxCode: [Int32]
  /// For length L, `symbols[code + valueOffset[L]]` is the symbol of `code`.
  var valueOffset: [Int32]
  var symbols: [UInt8]

  /// Builds the table from the 16 code-length counts and the symbols in code order.
  /// Returns nil when the counts describe more codes than fit (libjpeg's "bogus Huffman
  /// table"): after the codes of length L the next code must stay below 2^L.
  init?(counts: [UInt8], symbols: [UInt8]) {
    precondition(counts.count == 16)
    self.symbols = symbols
    lookup = [UInt16](repeating: 0, count: 1 << Self.lookupBits)
    maxCode = [Int32](repeating: -1, count: 17)
    valueOffset = [Int32](repeating: 0, count: 17)
    var code: Int32 = 0
    var index: Int32 = 0
    for length in 1...16 {
      let count = Int32(counts[length - 1])
      // Checked before the look-up table is filled: codes past 2^L would index past its end.
      if code + count >= (1 << length) { return nil }
      valueOffset[length] = index - code
      if count > 0 {
        if length <= Self.lookupBits {
          // Every lookup slot whose leading `length` bits equal the code gets the entry.
          let spread = Self.lookupBits - length
          for i in 0..<count {
            let first = Int((code + i) << spread)
            let entry = UInt16(length << 8) | UInt16(symbols[Int(index + i)])
            for slot in first..<(first + (1 << spread)) { lookup[slot] = entry }
          }
        }
        code += count
        index += count
        maxCode[length] = code - 1
      }
      code <<= 1
    }
  }
}
