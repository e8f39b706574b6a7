/// DEFLATE compression (RFC 1951): LZ77 over a 32 KiB window with hash chains and lazy
/// matching, the way zlib does it, and per block the cheapest of a stored, a fixed-Huffman and
/// a dynamic-Huffman encoding.
///
/// `Inflate` decodes what this writes; `Zlib.compress` wraps it in the zlib container (as PNG
/// needs). Levels follow zlib's table: 0 stores, 1 is fastest, 9 searches hardest, 6 (the
/// default) is zlib's default balance.
public enum Deflate {
  /// Which block encodings the compressor may choose from.
  public enum Strategy: Sendable {
    /// The cheapest of stored, fixed-Huffman and dynamic-Huffman for each block.
    case automatic
    /// Only fixed-Huffman blocks (or stored ones where they are smaller), like zlib's Z_FIXED.
    case fixedHuffman
    /// No LZ77 matching: every byte is a literal, Huffman-coded per block (zlib's
    /// Z_HUFFMAN_ONLY) — for data whose repeats are too short to pay, such as noisy residuals.
    case huffmanOnly
  }

  /// Compresses `bytes` into a raw DEFLATE stream (no zlib or gzip header).
  /// - Parameters:
  ///   - level: 0 (store only) … 9 (slowest, smallest); values outside are clamped.
  ///   - strategy: which block encodings may be used.
  public static func compress(
    _ bytes: [UInt8], level: Int = 6, strategy: Strategy = .automatic
  ) -> [UInt8] {
    bytes.withUnsafeBufferPointer { compress($0, level: level, strategy: strategy) }
  }

  /// Compresses the bytes in `input` into a raw DEFLATE stream; see `compress(_:level:strategy:)`.
  public static func compress(
    _ input: UnsafeBufferPointer<UInt8>, level: Int = 6, strategy: Strategy = .automatic
  ) -> [UInt8] {
    var encoder = DeflateEncoder(
      input: input, parameters: MatchParameters(level: level), strategy: strategy)
    encoder.run()
    return encoder.writer.bytes
  }
}

/// How hard the match finder looks, per level: zlib's configuration table (deflate.c).
struct MatchParameters {
  /// Once the pending match is this long, search only a quarter of the chain.
  let goodLength: Int
  /// A pending match at least this long is taken without looking one byte further (lazy).
  let lazyLength: Int
  /// Stop searching once a match is this long.
  let niceLength: Int
  /// At most this many chain links are followed per search.
  let chainLength: Int
  /// Level 0: no matching at all, stored blocks only.
  let storeOnly: Bool

  init(level: Int) {
    let table: [(Int, Int, Int, Int)] = [
      (0, 0, 0, 0), (4, 4, 8, 4), (4, 5, 16, 8), (4, 6, 32, 32), (4, 4, 16, 16),
      (8, 16, 32, 32), (8, 16, 128, 128), (8, 32, 128, 256), (32, 128, 258, 1024),
      (32, 258, 258, 4096),
    ]
    let level = min(max(level, 0), 9)
    (goodLength, lazyLength, niceLength, chainLength) = table[level]
    storeOnly = level == 0
  }
}
