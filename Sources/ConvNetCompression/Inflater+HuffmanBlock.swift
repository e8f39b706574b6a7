/// The hot loop of DEFLATE decoding: literal/length and distance symbols of a Huffman block.
extension Inflater {
  /// Decodes one fixed or dynamic Huffman block (RFC 1951 section 3.2.5) up to its
  /// end-of-block symbol.
  ///
  /// The reader state and the output pointer are kept in locals so that the loop runs in
  /// registers; one `refill` per iteration supplies the ≤ 48 bits of a length/distance pair.
  mutating func decodeHuffmanBlock(literalLength: HuffmanTable, distance: HuffmanTable) throws {
    let literalPrimaryBits = UInt64(literalLength.primaryBits)
    let literalMask = (UInt64(1) << literalPrimaryBits) - 1
    let distancePrimaryBits = UInt64(distance.primaryBits)
    let distanceMask = (UInt64(1) << distancePrimaryBits) - 1

    try literalLength.entries.withUnsafeBufferPointer { literalEntries in
      try distance.entries.withUnsafeBufferPointer { distanceEntries in
        try Inflater.lengthBase.withUnsafeBufferPointer { lengthBase in
          try Inflater.lengthExtraBits.withUnsafeBufferPointer { lengthExtra in
            try Inflater.distanceBase.withUnsafeBufferPointer { distanceBase in
              try Inflater.distanceExtraBits.withUnsafeBufferPointer { distanceExtra in
                try output.reserve(Inflater.maximumMatchLength)
                var out = output.pointer
                var written = output.count
                var room = output.capacity - written
                // Hands the local output state back (for growth and on every exit).
                defer { output.count = written }

                while true {
                  reader.refill()
                  // Literal/length symbol: one primary lookup, maybe one subtable lookup.
                  var entry = literalEntries[Int(reader.buffer & literalMask)]
                  if entry & HuffmanTable.linkFlag != 0 {
                    let sub =
                      (reader.buffer >> literalPrimaryBits) & ((1 << UInt64(entry & 0xFF)) - 1)
                    entry = literalEntries[Int(entry >> 16) + Int(sub)]
                  }
                  var codeLength = Int(entry & 0xFF)
                  if entry & HuffmanTable.invalidFlag != 0 || codeLength > reader.bitCount {
                    throw symbolError(entry, codeLength: codeLength, name: "literal/length")
                  }
                  reader.consume(codeLength)
                  let symbol = Int(entry >> 16)

                  if symbol < 256 {
                    if room < 1 {
                      output.count = written
                      try output.reserve(Inflater.maximumMatchLength)
                      out = output.pointer
                      room = output.capacity - written
                    }
                    out[written] = UInt8(truncatingIfNeeded: symbol)
                    written += 1
                    room -= 1
                    continue
                  }
                  if symbol == 256 { return }
                  guard symbol <= 285 else {
                    throw error(
                      .invalidData, "literal/length symbol \(symbol) is not defined (max 285)")
                  }

                  // Length: base + extra bits.
                  let lengthIndex = symbol - 257
                  let lengthBits = Int(lengthExtra[lengthIndex])
                  guard lengthBits <= reader.bitCount else {
                    throw truncated("a length's extra bits")
                  }
                  let length =
                    Int(lengthBase[lengthIndex])
                    + Int(reader.buffer & ((1 << UInt64(lengthBits)) - 1))
                  reader.consume(lengthBits)

                  // Distance symbol, then its extra bits.
                  entry = distanceEntries[Int(reader.buffer & distanceMask)]
                  if entry & HuffmanTable.linkFlag != 0 {
                    let sub =
                      (reader.buffer >> distancePrimaryBits) & ((1 << UInt64(entry & 0xFF)) - 1)
                    entry = distanceEntries[Int(entry >> 16) + Int(sub)]
                  }
                  codeLength = Int(entry & 0xFF)
                  if entry & HuffmanTable.invalidFlag != 0 || codeLength > reader.bitCount {
                    throw symbolError(entry, codeLength: codeLength, name: "distance")
                  }
                  reader.consume(codeLength)
                  let distanceSymbol = Int(entry >> 16)
                  let distanceBits = Int(distanceExtra[distanceSymbol])
                  guard distanceBits <= reader.bitCount else {
                    throw truncated("a distance's extra bits")
                  }
                  let matchDistance =
                    Int(distanceBase[distanceSymbol])
                    + Int(reader.buffer & ((1 << UInt64(distanceBits)) - 1))
                  reader.consume(distanceBits)
                  guard matchDistance <= written else {
                    throw error(
                      .invalidData,
                      "distance \(matchDistance) reaches before the start of the output "
                        + "(\(written) bytes written)")
                  }

                  if room < length {
                    output.count = written
                    try output.reserve(Inflater.maximumMatchLength)
                    out = output.pointer
                    room = output.capacity - written
                  }
                  copyMatch(to: out + written, distance: matchDistance, length: length)
                  written += length
                  room -= length
                }
              }
            }
          }
        }
      }
    }
  }

  /// Copies `length` bytes from `distance` bytes back; the regions overlap when
  /// distance < length, which repeats the last `distance` bytes (run-length encoding).
  @inline(__always)
  private func copyMatch(to destination: UnsafeMutablePointer<UInt8>, distance: Int, length: Int) {
    let source = destination - distance
    if distance == 1 {
      destination.update(repeating: source.pointee, count: length)
    } else if distance >= length {
      destination.update(from: source, count: length)
    } else {
      // Copy whole periods; each copied period is already in place for the next.
      var copied = 0
      while copied < length {
        let chunk = min(distance, length - copied)
        (destination + copied).update(from: source + copied, count: chunk)
        copied += chunk
      }
    }
  }

  private func symbolError(_ entry: UInt32, codeLength: Int, name: String) -> CompressionError {
    if entry & HuffmanTable.invalidFlag != 0 {
      return error(.invalidData, "bit pattern is not a \(name) code of this block")
    }
    return truncated("a \(name) code")
  }

  private func truncated(_ what: String) -> CompressionError {
    CompressionError(
      format: format, kind: .truncated, offset: reader.input.count,
      reason: "input ends inside \(what) (the block has no end-of-block code yet)")
  }
}
