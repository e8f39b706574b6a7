/// Block encoding: each block goes out as whichever of stored, fixed-Huffman or
/// dynamic-Huffman (RFC 1951 sections 3.2.4–3.2.7) takes the fewest bits (ties: the simpler).
extension DeflateEncoder {
  /// Writes the tokens gathered so far as one block (or several stored ones) and starts a new
  /// block.
  mutating func flushBlock(isFinal: Bool) {
    literalLengthCounts[256] = 1  // the end-of-block symbol
    let fixedBits =
      3
      + encodedBits(
        literalLength: HuffmanCode.fixedLiteralLength, distance: HuffmanCode.fixedDistance)
    let storedBits = storedBlockBits(byteCount: blockEnd - blockStart)
    var dynamic: DynamicHeader?
    if strategy != .fixedHuffman {
      dynamic = DynamicHeader(literalLengthCounts: literalLengthCounts, distanceCounts: distanceCounts)
    }
    let dynamicBits =
      dynamic.map {
        3 + $0.bits + encodedBits(literalLength: $0.literalLength, distance: $0.distance)
      } ?? Int.max
    if storedBits < min(fixedBits, dynamicBits) {
      writeStoredBlocks(from: blockStart, to: blockEnd, isFinal: isFinal)
    } else if let dynamic, dynamicBits < fixedBits {
      writer.write(isFinal ? 1 : 0, bits: 1)
      writer.write(2, bits: 2)
      dynamic.write(to: &writer)
      writeTokens(literalLength: dynamic.literalLength, distance: dynamic.distance)
    } else {
      writer.write(isFinal ? 1 : 0, bits: 1)
      writer.write(1, bits: 2)
      writeTokens(literalLength: HuffmanCode.fixedLiteralLength, distance: HuffmanCode.fixedDistance)
    }
    tokens.removeAll(keepingCapacity: true)
    for i in literalLengthCounts.indices { literalLengthCounts[i] = 0 }
    for i in distanceCounts.indices { distanceCounts[i] = 0 }
    blockStart = blockEnd
  }

  /// Bits of the tokens and the end-of-block symbol under the given codes (header excluded).
  func encodedBits(literalLength: HuffmanCode, distance: HuffmanCode) -> Int {
    var bits = 0
    for symbol in 0..<286 where literalLengthCounts[symbol] > 0 {
      var cost = Int(literalLength.lengths[symbol])
      if symbol >= 257 { cost += Int(Inflater.lengthExtraBits[symbol - 257]) }
      bits += literalLengthCounts[symbol] * cost
    }
    for symbol in 0..<30 where distanceCounts[symbol] > 0 {
      bits +=
        distanceCounts[symbol]
        * (Int(distance.lengths[symbol]) + Int(Inflater.distanceExtraBits[symbol]))
    }
    return bits
  }

  /// Bits that stored blocks for `byteCount` bytes take, counted from the current bit position:
  /// per block of at most 65535 bytes a 3-bit header, padding to a byte, LEN and NLEN.
  func storedBlockBits(byteCount: Int) -> Int {
    let blocks = max(1, (byteCount + 65534) / 65535)
    var bits = 0
    var position = writer.totalBits
    for _ in 0..<blocks {
      position += 3
      let padding = (8 - position % 8) % 8
      bits += 3 + padding + 32
      position += padding + 32
    }
    return bits + 8 * byteCount
  }

  /// Writes input[start..<end] as stored blocks of at most 65535 bytes each (at least one).
  mutating func writeStoredBlocks(from start: Int, to end: Int, isFinal: Bool) {
    var chunkStart = start
    repeat {
      let chunkEnd = min(end, chunkStart + 65535)
      writer.write(isFinal && chunkEnd == end ? 1 : 0, bits: 1)
      writer.write(0, bits: 2)
      writer.alignToByte()
      let length = UInt32(chunkEnd - chunkStart)
      writer.write(length | (~length & 0xFFFF) << 16, bits: 32)
      writer.appendBytes(UnsafeBufferPointer(rebasing: input[chunkStart..<chunkEnd]))
      chunkStart = chunkEnd
    } while chunkStart < end
  }

  /// Writes the block's tokens and the end-of-block symbol with the given codes.
  mutating func writeTokens(literalLength: HuffmanCode, distance: HuffmanCode) {
    let literalCodes = literalLength.codes
    let literalLengths = literalLength.lengths
    let distanceCodes = distance.codes
    let distanceLengths = distance.lengths
    for token in tokens {
      if token & DeflateEncoder.matchFlag == 0 {
        let symbol = Int(token)
        writer.write(literalCodes[symbol], bits: Int(literalLengths[symbol]))
        continue
      }
      let length = Int((token >> 16) & 0x1FF)
      let distanceValue = Int(token & 0xFFFF)
      let lengthCode = Int(DeflateSymbols.lengthSymbol[length])
      let symbol = 257 + lengthCode
      writer.write(literalCodes[symbol], bits: Int(literalLengths[symbol]))
      let lengthExtra = Int(Inflater.lengthExtraBits[lengthCode])
      if lengthExtra > 0 {
        writer.write(UInt32(length - Int(Inflater.lengthBase[lengthCode])), bits: lengthExtra)
      }
      let distanceCode = DeflateSymbols.distanceSymbol(distanceValue)
      writer.write(distanceCodes[distanceCode], bits: Int(distanceLengths[distanceCode]))
      let distanceExtra = Int(Inflater.distanceExtraBits[distanceCode])
      if distanceExtra > 0 {
        writer.write(
          UInt32(distanceValue - Int(Inflater.distanceBase[distanceCode])), bits: distanceExtra)
      }
    }
    writer.write(literalCodes[256], bits: Int(literalLengths[256]))
  }
}
