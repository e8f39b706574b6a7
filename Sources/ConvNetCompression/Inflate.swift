import Foundation

/// DEFLATE decompression (RFC 1951): stored, fixed-Huffman and dynamic-Huffman blocks.
///
/// `decompress` decodes one raw DEFLATE stream and requires it to fill the input exactly.
/// The gzip and zlib containers (`Gzip`, `Zlib`) wrap this decoder and add their checksums.
public enum Inflate {
  /// Decompresses a raw DEFLATE stream (no gzip or zlib header).
  /// - Throws: `CompressionError` if the stream is malformed or truncated, or if bytes follow
  ///   the final block.
  public static func decompress(_ data: Data) throws -> [UInt8] {
    try data.withUnsafeBytes { try decompress($0) }
  }

  /// Decompresses a raw DEFLATE stream (no gzip or zlib header).
  public static func decompress(_ bytes: [UInt8]) throws -> [UInt8] {
    try bytes.withUnsafeBytes { try decompress($0) }
  }

  /// Decompresses a raw DEFLATE stream held in `input`.
  public static func decompress(_ input: UnsafeRawBufferPointer) throws -> [UInt8] {
    let output = OutputBuffer(capacity: input.count * 4)
    let end = try inflate(input, from: 0, into: output, format: "deflate")
    if end != input.count {
      throw CompressionError(
        format: "deflate", kind: .trailingData, offset: end,
        reason: "\(input.count - end) unexpected bytes after the final block")
    }
    return output.bytes()
  }

  /// Decodes the DEFLATE stream that starts at byte `offset` of `input`, appending the
  /// decoded bytes to `output`. Returns the offset of the first byte after the final block
  /// (the stream ends on a byte boundary).
  static func inflate(
    _ input: UnsafeRawBufferPointer, from offset: Int, into output: OutputBuffer, format: String
  ) throws -> Int {
    var inflater = Inflater(
      reader: BitReader(input: input, position: offset), output: output, format: format)
    try inflater.run()
    inflater.reader.alignToByte()
    return inflater.reader.position
  }
}

/// The state of one DEFLATE decode: the bit reader and the output it appends to.
struct Inflater {
  var reader: BitReader
  let output: OutputBuffer
  let format: String

  /// The longest match DEFLATE can encode; the output keeps this much room ahead.
  static let maximumMatchLength = 258

  func error(_ kind: CompressionError.Kind, _ reason: String) -> CompressionError {
    CompressionError(format: format, kind: kind, offset: reader.byteOffset, reason: reason)
  }

  /// Decodes blocks until the one marked final.
  mutating func run() throws {
    var isFinal = false
    while !isFinal {
      isFinal = try reader.bits(1, format: format, field: "a block header") == 1
      let blockType = try reader.bits(2, format: format, field: "a block header")
      switch blockType {
      case 0: try copyStoredBlock()
      case 1:
        try decodeHuffmanBlock(
          literalLength: Inflater.fixedLiteralLength,
          distance: Inflater.fixedDistance)
      case 2:
        let (literalLength, distance) = try readDynamicTables()
        try decodeHuffmanBlock(literalLength: literalLength, distance: distance)
      default:
        throw error(
          .invalidData, "block type 3 is reserved (expected 0 stored, 1 fixed, 2 dynamic)")
      }
    }
  }

  /// A stored block (section 3.2.4): LEN, its one's complement NLEN, then LEN raw bytes.
  mutating func copyStoredBlock() throws {
    reader.alignToByte()
    let input = reader.input
    let start = reader.position
    guard start + 4 <= input.count else {
      throw error(.truncated, "input ends inside a stored block's LEN/NLEN")
    }
    let length = Int(input[start]) | Int(input[start + 1]) << 8
    let complement = Int(input[start + 2]) | Int(input[start + 3]) << 8
    guard length == complement ^ 0xFFFF else {
      throw CompressionError(
        format: format, kind: .invalidData, offset: start,
        reason: "stored block LEN \(length) does not match NLEN \(complement) "
          + "(expected its one's complement \(length ^ 0xFFFF))")
    }
    guard start + 4 + length <= input.count else {
      throw CompressionError(
        format: format, kind: .truncated, offset: input.count,
        reason: "input ends inside a stored block of \(length) bytes")
    }
    try output.reserve(length)
    if length > 0, let base = input.baseAddress {
      (output.pointer + output.count).initialize(
        from: (base + start + 4).assumingMemoryBound(to: UInt8.self), count: length)
    }
    output.count += length
    reader.position = start + 4 + length
  }

  /// The code-length alphabet's transmission order (section 3.2.7).
  static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

  /// Reads a dynamic block's code lengths (section 3.2.7) and builds its two tables.
  mutating func readDynamicTables() throws -> (HuffmanTable, HuffmanTable) {
    let literalLengthCount = try reader.bits(5, format: format, field: "HLIT") + 257
    let distanceCount = try reader.bits(5, format: format, field: "HDIST") + 1
    let codeLengthCount = try reader.bits(4, format: format, field: "HCLEN") + 4
    guard literalLengthCount <= 286 else {
      throw error(
        .invalidData, "HLIT gives \(literalLengthCount) literal/length codes, at most 286")
    }
    guard distanceCount <= 30 else {
      throw error(.invalidData, "HDIST gives \(distanceCount) distance codes, at most 30")
    }
    var codeLengthLengths = [UInt8](repeating: 0, count: 19)
    for i in 0..<codeLengthCount {
      codeLengthLengths[Inflater.codeLengthOrder[i]] = UInt8(
        try reader.bits(3, format: format, field: "the code length code lengths"))
    }
    let codeLengthTable = try table(codeLengthLengths, primaryBits: 7, name: "code length")

    var lengths = [UInt8](repeating: 0, count: literalLengthCount + distanceCount)
    var i = 0
    while i < lengths.count {
      let symbol = try decodeSymbol(codeLengthTable, name: "code length")
      if symbol < 16 {
        lengths[i] = UInt8(symbol)
        i += 1
        continue
      }
      var value: UInt8 = 0
      let repeatCount: Int
      switch symbol {
      case 16:
        guard i > 0 else {
          throw error(.invalidData, "code length 16 (repeat previous) comes first")
        }
        value = lengths[i - 1]
        repeatCount = 3 + (try reader.bits(2, format: format, field: "a repeat count"))
      case 17: repeatCount = 3 + (try reader.bits(3, format: format, field: "a repeat count"))
      default: repeatCount = 11 + (try reader.bits(7, format: format, field: "a repeat count"))
      }
      guard i + repeatCount <= lengths.count else {
        throw error(
          .invalidData,
          "code length repeat runs to \(i + repeatCount), past the \(lengths.count) codes declared")
      }
      for _ in 0..<repeatCount {
        lengths[i] = value
        i += 1
      }
    }
    guard lengths[256] != 0 else {
      throw error(.invalidData, "dynamic block has no end-of-block code (symbol 256 has length 0)")
    }
    let literalLength = try table(
      Array(lengths[..<literalLengthCount]), primaryBits: 10, name: "literal/length")
    let distance = try table(
      Array(lengths[literalLengthCount...]), primaryBits: 8, name: "distance")
    return (literalLength, distance)
  }

  func table(_ lengths: [UInt8], primaryBits: Int, name: String) throws -> HuffmanTable {
    do {
      return try HuffmanTable(lengths: lengths, primaryBits: primaryBits)
    } catch {
      switch error {
      case .overSubscribed(let length):
        throw self.error(
          .invalidData, "\(name) code lengths over-subscribe the code space at length \(length)")
      }
    }
  }

  /// Decodes one symbol with the slow but simple path (used for the code-length alphabet).
  mutating func decodeSymbol(_ table: HuffmanTable, name: String) throws -> Int {
    reader.refill()
    var entry = table.entries[Int(reader.buffer & UInt64((1 << table.primaryBits) - 1))]
    if entry & HuffmanTable.linkFlag != 0 {
      let subIndex =
        (reader.buffer >> UInt64(table.primaryBits)) & ((1 << UInt64(entry & 0xFF)) - 1)
      entry = table.entries[Int(entry >> 16) + Int(subIndex)]
    }
    guard entry & HuffmanTable.invalidFlag == 0 else {
      throw error(.invalidData, "bit pattern is not a \(name) code")
    }
    let length = Int(entry & 0xFF)
    guard length <= reader.bitCount else {
      throw CompressionError(
        format: format, kind: .truncated, offset: reader.input.count,
        reason: "input ends inside a \(name) code")
    }
    reader.consume(length)
    return Int(entry >> 16)
  }

  /// Length base values and extra-bit counts for symbols 257…285 (section 3.2.5).
  static let lengthBase: [UInt16] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115,
    131, 163, 195, 227, 258,
  ]
  static let lengthExtraBits: [UInt8] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
  ]
  /// Distance base values and extra-bit counts for distance symbols 0…29.
  static let distanceBase: [UInt16] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
  ]
  static let distanceExtraBits: [UInt8] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
  ]

  /// The fixed codes of block type 1 (section 3.2.6).
  static let fixedLiteralLength: HuffmanTable = {
    var lengths = [UInt8](repeating: 8, count: 288)
    for symbol in 144..<256 { lengths[symbol] = 9 }
    for symbol in 256..<280 { lengths[symbol] = 7 }
    // The lengths are a complete code by construction, so building cannot fail.
    return try! HuffmanTable(lengths: lengths, primaryBits: 9)
  }()
  static let fixedDistance: HuffmanTable = {
    try! HuffmanTable(lengths: [UInt8](repeating: 5, count: 30), primaryBits: 5)
  }()
}
