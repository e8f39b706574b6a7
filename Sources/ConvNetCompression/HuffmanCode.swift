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

extension HuffmanCode {
  /// Code lengths of a Huffman code for `frequencies`, no longer than `limit` bits.
  ///
  /// The optimal lengths come from the classic two-queue construction (leaves sorted by
  /// frequency, internal nodes created in increasing weight). If some exceed `limit`, the
  /// length counts are repaired as miniz does it: overlong codes are cut to `limit`, then,
  /// while Kraft's sum is over 1, one code at the limit is removed by splitting the longest
  /// shorter code into two one bit longer. Lengths are then handed out anew, shortest to the
  /// most frequent symbols. At least two symbols always get a code (zlib does the same), so
  /// every code is complete and every decoder accepts it.
  static func lengths(frequencies: [Int], limit: Int) -> [UInt8] {
    var used = frequencies.indices.filter { frequencies[$0] > 0 }
    // Two codes at least: pad with the lowest unused symbols (frequency 0).
    for symbol in frequencies.indices where used.count < 2 && frequencies[symbol] == 0 {
      used.append(symbol)
    }
    used.sort { (frequencies[$0], $0) < (frequencies[$1], $1) }
    let n = used.count
    var lengths = [UInt8](repeating: 0, count: frequencies.count)
    guard n >= 2 else {
      for symbol in used { lengths[symbol] = 1 }
      return lengths
    }

    // Nodes 0..<n are the leaves in ascending frequency, n..<2n−1 the internal nodes.
    var weight = [Int](repeating: 0, count: 2 * n - 1)
    var parent = [Int](repeating: 0, count: 2 * n - 1)
    for (i, symbol) in used.enumerated() { weight[i] = frequencies[symbol] }
    var nextLeaf = 0
    var nextInternal = n
    var created = n
    func takeSmallest() -> Int {
      if nextLeaf < n && (nextInternal >= created || weight[nextLeaf] <= weight[nextInternal]) {
        nextLeaf += 1
        return nextLeaf - 1
      }
      nextInternal += 1
      return nextInternal - 1
    }
    for _ in 0..<(n - 1) {
      let a = takeSmallest()
      let b = takeSmallest()
      weight[created] = weight[a] + weight[b]
      parent[a] = created
      parent[b] = created
      created += 1
    }
    var depth = [Int](repeating: 0, count: 2 * n - 1)
    for node in stride(from: 2 * n - 3, through: 0, by: -1) { depth[node] = depth[parent[node]] + 1 }

    var counts = [Int](repeating: 0, count: max(limit, depth.max() ?? 0) + 1)
    for leaf in 0..<n { counts[depth[leaf]] += 1 }
    if counts.count > limit + 1 {
      for length in (limit + 1)..<counts.count {
        counts[limit] += counts[length]
        counts[length] = 0
      }
      var kraft = 0
      for length in 1...limit { kraft += counts[length] << (limit - length) }
      while kraft > 1 << limit {
        counts[limit] -= 1
        for length in stride(from: limit - 1, through: 1, by: -1) where counts[length] > 0 {
          counts[length] -= 1
          counts[length + 1] += 2
          break
        }
        kraft -= 1
      }
    }
    // Longest codes to the least frequent leaves (the start of `used`).
    var leaf = 0
    for length in stride(from: min(limit, counts.count - 1), through: 1, by: -1) {
      for _ in 0..<counts[length] {
        lengths[used[leaf]] = UInt8(length)
        leaf += 1
      }
    }
    return lengths
  }
}
