/// The codes of a dynamic-Huffman block and the header that transmits them (RFC 1951
/// section 3.2.7): HLIT, HDIST, HCLEN, the code-length code's lengths, then the literal/length
/// and distance code lengths run-length coded with symbols 16 (repeat the previous length
/// 3–6 times), 17 (3–10 zeros) and 18 (11–138 zeros).
struct DynamicHeader {
  let literalLength: HuffmanCode
  let distance: HuffmanCode
  /// The header's size in bits (block type bits excluded).
  let bits: Int

  private let literalLengthCount: Int
  private let distanceCount: Int
  private let codeLengthCode: HuffmanCode
  private let codeLengthCount: Int
  /// The run-length coded lengths: symbol 0…18 and the value of its extra bits.
  private let runs: [(symbol: Int, extra: Int)]

  private static let extraBits = [2, 3, 7]  // for symbols 16, 17, 18

  init(literalLengthCounts: [Int], distanceCounts: [Int]) {
    let literalLengths = HuffmanCode.lengths(frequencies: literalLengthCounts, limit: 15)
    let distanceLengths = HuffmanCode.lengths(frequencies: distanceCounts, limit: 15)
    literalLength = HuffmanCode(lengths: literalLengths)
    distance = HuffmanCode(lengths: distanceLengths)
    // Trailing unused symbols need not be sent (at least 257 literal/length and 1 distance).
    literalLengthCount = max(257, (literalLengths.lastIndex { $0 != 0 } ?? 0) + 1)
    distanceCount = max(1, (distanceLengths.lastIndex { $0 != 0 } ?? 0) + 1)
    let sequence = Array(literalLengths[..<literalLengthCount] + distanceLengths[..<distanceCount])
    runs = DynamicHeader.runLengthCode(sequence)

    var frequencies = [Int](repeating: 0, count: 19)
    for run in runs { frequencies[run.symbol] += 1 }
    let codeLengthLengths = HuffmanCode.lengths(frequencies: frequencies, limit: 7)
    codeLengthCode = HuffmanCode(lengths: codeLengthLengths)
    let lastSent = Inflater.codeLengthOrder.lastIndex { codeLengthLengths[$0] != 0 } ?? 0
    codeLengthCount = max(4, lastSent + 1)

    var bits = 5 + 5 + 4 + 3 * codeLengthCount
    for run in runs {
      bits += Int(codeLengthLengths[run.symbol])
      if run.symbol >= 16 { bits += DynamicHeader.extraBits[run.symbol - 16] }
    }
    self.bits = bits
  }

  /// Writes HLIT … the last code length.
  func write(to writer: inout BitWriter) {
    writer.write(UInt32(literalLengthCount - 257), bits: 5)
    writer.write(UInt32(distanceCount - 1), bits: 5)
    writer.write(UInt32(codeLengthCount - 4), bits: 4)
    for i in 0..<codeLengthCount {
      writer.write(UInt32(codeLengthCode.lengths[Inflater.codeLengthOrder[i]]), bits: 3)
    }
    for run in runs {
      writer.write(codeLengthCode.codes[run.symbol], bits: Int(codeLengthCode.lengths[run.symbol]))
      if run.symbol >= 16 {
        writer.write(UInt32(run.extra), bits: DynamicHeader.extraBits[run.symbol - 16])
      }
    }
  }

  /// The code-length alphabet's run-length coding of `lengths`.
  static func runLengthCode(_ lengths: [UInt8]) -> [(symbol: Int, extra: Int)] {
    var runs: [(symbol: Int, extra: Int)] = []
    var i = 0
    while i < lengths.count {
      let value = lengths[i]
      var run = 1
      while i + run < lengths.count && lengths[i + run] == value { run += 1 }
      i += run
      if value == 0 {
        while run >= 11 {
          let count = min(run, 138)
          runs.append((18, count - 11))
          run -= count
        }
        if run >= 3 {
          runs.append((17, run - 3))
          run = 0
        }
      } else {
        // The first length is sent as itself; repeats of it may then use symbol 16.
        runs.append((Int(value), 0))
        run -= 1
        while run >= 3 {
          let count = min(run, 6)
          runs.append((16, count - 3))
          run -= count
        }
      }
      for _ in 0..<run { runs.append((Int(value), 0)) }
    }
    return runs
  }
}
