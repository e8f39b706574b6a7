/// A canonical Huffman code (RFC 1951 section 3.2.2) as a two-level lookup table.
///
/// The primary table is indexed by the next `primaryBits` bits of the stream (which, because
/// DEFLATE packs Huffman codes most-significant bit first into a least-significant-first bit
/// stream, are the code's bits reversed). Codes no longer than `primaryBits` fill every entry
/// whose low bits match; longer codes share a primary entry that links to a subtable indexed
/// by the following bits. Decoding a symbol is therefore one or two table reads.
///
/// Entry layout (UInt32):
/// - symbol: `symbol << 16 | codeLength` (bits 8–9 clear)
/// - link:   `subtableStart << 16 | linkFlag | subtableBits`
/// - unused code: `invalidFlag`
struct HuffmanTable {
  static let linkFlag: UInt32 = 0x100
  static let invalidFlag: UInt32 = 0x200

  /// Primary entries followed by all subtables.
  private(set) var entries: [UInt32]
  let primaryBits: Int

  /// Builds the table for the code in which symbol `s` has code length `lengths[s]` (0 = the
  /// symbol is not used). Throws a reason string if the lengths over-subscribe the code space;
  /// incomplete codes are accepted and their unused codes decode as errors.
  init(lengths: [UInt8], primaryBits wantedPrimaryBits: Int) throws(HuffmanTableError) {
    var lengthCounts = [Int](repeating: 0, count: 16)
    for length in lengths { lengthCounts[Int(length)] += 1 }
    lengthCounts[0] = 0
    var available = 1
    for length in 1...15 {
      available = available * 2 - lengthCounts[length]
      if available < 0 { throw HuffmanTableError.overSubscribed(length: length) }
    }
    let maxLength = lengths.max().map(Int.init) ?? 0
    primaryBits = max(1, min(wantedPrimaryBits, maxLength))

    // First canonical code of each length (RFC 1951 section 3.2.2, step 2).
    var nextCode = [Int](repeating: 0, count: 16)
    var code = 0
    for length in 1...15 {
      code = (code + lengthCounts[length - 1]) << 1
      nextCode[length] = code
    }
    var reversedCodes = [Int](repeating: 0, count: lengths.count)
    for (symbol, length) in lengths.enumerated() where length > 0 {
      reversedCodes[symbol] = HuffmanTable.reverse(nextCode[Int(length)], bits: Int(length))
      nextCode[Int(length)] += 1
    }

    // Subtable width for each primary prefix: enough bits for its longest code.
    let primarySize = 1 << primaryBits
    let primaryMask = primarySize - 1
    var subtableBits = [Int](repeating: 0, count: primarySize)
    for (symbol, length) in lengths.enumerated() where Int(length) > primaryBits {
      let prefix = reversedCodes[symbol] & primaryMask
      subtableBits[prefix] = max(subtableBits[prefix], Int(length) - primaryBits)
    }
    var subtableStart = [Int](repeating: 0, count: primarySize)
    var total = primarySize
    for prefix in 0..<primarySize where subtableBits[prefix] > 0 {
      subtableStart[prefix] = total
      total += 1 << subtableBits[prefix]
    }

    var entries = [UInt32](repeating: HuffmanTable.invalidFlag, count: total)
    for prefix in 0..<primarySize where subtableBits[prefix] > 0 {
      entries[prefix] =
        UInt32(subtableStart[prefix]) << 16 | HuffmanTable.linkFlag | UInt32(subtableBits[prefix])
    }
    for (symbol, length) in lengths.enumerated() where length > 0 {
      let length = Int(length)
      let reversed = reversedCodes[symbol]
      let entry = UInt32(symbol) << 16 | UInt32(length)
      if length <= primaryBits {
        // Every index whose low `length` bits are this code.
        var index = reversed
        while index < primarySize {
          entries[index] = entry
          index += 1 << length
        }
      } else {
        let prefix = reversed & primaryMask
        let bits = subtableBits[prefix]
        let start = subtableStart[prefix]
        var index = reversed >> primaryBits
        while index < 1 << bits {
          entries[start + index] = entry
          index += 1 << (length - primaryBits)
        }
      }
    }
    self.entries = entries
  }

  /// The low `bits` bits of `code` in reverse order.
  static func reverse(_ code: Int, bits: Int) -> Int {
    var result = 0
    var code = code
    for _ in 0..<bits {
      result = (result << 1) | (code & 1)
      code >>= 1
    }
    return result
  }
}

/// Why a set of code lengths does not form a valid Huffman code.
enum HuffmanTableError: Error {
  /// More codes of length ≤ `length` than that many bits can distinguish.
  case overSubscribed(length: Int)
}
