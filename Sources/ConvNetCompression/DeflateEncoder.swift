/// One DEFLATE compression: the LZ77 match finder and the symbols it has produced for the
/// current block. Block encoding is in `DeflateEncoder+Blocks.swift`.
///
/// Symbols ("tokens") are packed in a UInt32: a literal is its byte value; a match is
/// `matchFlag | length << 16 | distance` (length 3…258, distance 1…32768).
struct DeflateEncoder {
  let input: UnsafeBufferPointer<UInt8>
  let parameters: MatchParameters
  let strategy: Deflate.Strategy
  var writer: BitWriter

  /// The current block's tokens, and their literal/length and distance symbol counts.
  var tokens: [UInt32] = []
  var literalLengthCounts = [Int](repeating: 0, count: 286)
  var distanceCounts = [Int](repeating: 0, count: 30)
  /// Input bytes covered by earlier blocks, and by the tokens of this one.
  var blockStart = 0
  var blockEnd = 0

  static let matchFlag: UInt32 = 0x8000_0000
  static let windowSize = 32768
  static let minimumMatch = 3
  static let maximumMatch = 258
  /// A block ends after this many tokens, so that its Huffman codes fit the local statistics
  /// (zlib's default symbol buffer size).
  static let blockTokenLimit = 16384
  /// A length-3 match farther than this costs more bits than three literals (zlib's TOO_FAR).
  static let tooFar = 4096
  static let hashBits = 15

  init(input: UnsafeBufferPointer<UInt8>, parameters: MatchParameters, strategy: Deflate.Strategy) {
    self.input = input
    self.parameters = parameters
    self.strategy = strategy
    writer = BitWriter(capacity: input.count / 2 + 64)
    tokens.reserveCapacity(DeflateEncoder.blockTokenLimit)
  }

  mutating func run() {
    if parameters.storeOnly {
      writeStoredBlocks(from: 0, to: input.count, isFinal: true)
    } else {
      if strategy == .huffmanOnly {
        for byte in input { emitLiteral(byte) }
      } else if !input.isEmpty {
        findMatches()
      }
      flushBlock(isFinal: true)
    }
    writer.alignToByte()
  }

  @inline(__always)
  mutating func emitLiteral(_ byte: UInt8) {
    tokens.append(UInt32(byte))
    literalLengthCounts[Int(byte)] += 1
    blockEnd += 1
    if tokens.count >= DeflateEncoder.blockTokenLimit { flushBlock(isFinal: false) }
  }

  @inline(__always)
  mutating func emitMatch(length: Int, distance: Int) {
    tokens.append(DeflateEncoder.matchFlag | UInt32(length) << 16 | UInt32(distance))
    literalLengthCounts[257 + Int(DeflateSymbols.lengthSymbol[length])] += 1
    distanceCounts[DeflateSymbols.distanceSymbol(distance)] += 1
    blockEnd += length
    if tokens.count >= DeflateEncoder.blockTokenLimit { flushBlock(isFinal: false) }
  }

  /// LZ77 with lazy evaluation (zlib's deflate_slow): a match found at position p is kept
  /// pending while the search at p + 1 looks for a longer one; if it finds one, the byte at p
  /// goes out as a literal and the longer match becomes the pending one.
  mutating func findMatches() {
    let p = input.baseAddress!
    let n = input.count
    let windowMask = DeflateEncoder.windowSize - 1
    // head[h]: the latest position whose next three bytes hash to h; prev[pos & mask]: the
    // position before it with the same hash. Chains run towards older positions.
    var head = [Int](repeating: -1, count: 1 << DeflateEncoder.hashBits)
    var prev = [Int](repeating: -1, count: DeflateEncoder.windowSize)

    /// Links `position` into its hash chain and returns the previous head of that chain.
    @inline(__always)
    func insert(_ position: Int) -> Int {
      guard position + 2 < n else { return -1 }
      let key = UInt32(p[position]) | UInt32(p[position + 1]) << 8 | UInt32(p[position + 2]) << 16
      let hash = Int((key &* 2_654_435_761) >> UInt32(32 - DeflateEncoder.hashBits))
      let previous = head[hash]
      prev[position & windowMask] = previous
      head[hash] = position
      return previous
    }

    /// The longest match for `position` longer than `atLeast`, following the chain from
    /// `candidate`; (0, 0) when there is none.
    func longestMatch(_ position: Int, from candidate: Int, atLeast: Int) -> (Int, Int) {
      let maximum = min(DeflateEncoder.maximumMatch, n - position)
      guard maximum >= DeflateEncoder.minimumMatch else { return (0, 0) }
      var chain =
        atLeast >= parameters.goodLength ? parameters.chainLength >> 2 : parameters.chainLength
      var bestLength = max(atLeast, DeflateEncoder.minimumMatch - 1)
      guard bestLength < maximum else { return (0, 0) }
      var bestDistance = 0
      let limit = position - DeflateEncoder.windowSize
      var candidate = candidate
      let target = p + position
      while candidate >= 0 && candidate >= limit && chain > 0 {
        let source = p + candidate
        if source[bestLength] == target[bestLength] && source[0] == target[0]
          && source[1] == target[1]
        {
          var length = 2
          while length < maximum && source[length] == target[length] { length += 1 }
          if length > bestLength {
            bestLength = length
            bestDistance = position - candidate
            if length >= parameters.niceLength || length == maximum { break }
          }
        }
        let next = prev[candidate & windowMask]
        // A link that does not lead to an older position was overwritten by a newer one
        // (the slot of a position exactly one window back): the chain ends here.
        guard next < candidate else { break }
        candidate = next
        chain -= 1
      }
      if bestDistance == 0 { return (0, 0) }
      if bestLength == DeflateEncoder.minimumMatch && bestDistance > DeflateEncoder.tooFar {
        return (0, 0)
      }
      return (bestLength, bestDistance)
    }

    var position = 0
    var pendingLength = 0
    var pendingDistance = 0
    var hasPendingByte = false
    while position < n {
      let candidate = insert(position)
      var length = 0
      var distance = 0
      if pendingLength < parameters.lazyLength && candidate >= 0 {
        (length, distance) = longestMatch(position, from: candidate, atLeast: pendingLength)
      }
      if pendingLength >= DeflateEncoder.minimumMatch && length <= pendingLength {
        // The match pending at position − 1 wins; index the positions it covers, skip them.
        emitMatch(length: pendingLength, distance: pendingDistance)
        let end = position - 1 + pendingLength
        var skipped = position + 1
        while skipped < end {
          _ = insert(skipped)
          skipped += 1
        }
        position = end
        pendingLength = 0
        hasPendingByte = false
      } else {
        if hasPendingByte { emitLiteral(p[position - 1]) }
        hasPendingByte = true
        pendingLength = length
        pendingDistance = distance
        position += 1
      }
    }
    // A match pending at n − 1 cannot exist (it would need three bytes), so at most a literal.
    if hasPendingByte { emitLiteral(p[n - 1]) }
  }
}

/// DEFLATE's length and distance alphabets (RFC 1951 section 3.2.5) seen from the encoder.
enum DeflateSymbols {
  /// lengthSymbol[length] = the length code (0…28, add 257 for the symbol) for 3…258.
  static let lengthSymbol: [UInt8] = {
    var table = [UInt8](repeating: 0, count: 259)
    for code in 0..<29 {
      let base = Int(Inflater.lengthBase[code])
      let count = 1 << Int(Inflater.lengthExtraBits[code])
      for length in base..<min(base + count, 259) { table[length] = UInt8(code) }
    }
    // 258 has its own code (28) although code 27's range (227 + 31) also reaches it.
    table[258] = 28
    return table
  }()

  /// Distance codes for distance − 1 below 256, then for (distance − 1) >> 7 (zlib's trick:
  /// codes from 16 up have at least 7 extra bits, so their ranges are whole multiples of 128).
  static let distanceTable: [UInt8] = {
    var table = [UInt8](repeating: 0, count: 512)
    for code in 0..<30 {
      let base = Int(Inflater.distanceBase[code]) - 1
      let count = 1 << Int(Inflater.distanceExtraBits[code])
      if base < 256 {
        for d in base..<(base + count) { table[d] = UInt8(code) }
      } else {
        for d in (base >> 7)..<((base + count) >> 7) { table[256 + d] = UInt8(code) }
      }
    }
    return table
  }()

  @inline(__always)
  static func distanceSymbol(_ distance: Int) -> Int {
    let d = distance - 1
    return Int(d < 256 ? distanceTable[d] : distanceTable[256 + (d >> 7)])
  }
}
