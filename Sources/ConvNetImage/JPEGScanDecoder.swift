/// Decodes the Huffman-coded data of one scan into the frame's DCT coefficients.
///
/// Baseline/extended scans (T.81 F.2.2) code whole blocks. Progressive scans (T.81 G.1.2)
/// code either DC or a band Ss…Se of AC coefficients, first at reduced precision (bits above
/// Al) and later refined one bit at a time; the four procedures below follow libjpeg's
/// `jdphuff.c`. Coefficients are stored dequantised later, in natural order, as Int16 like
/// libjpeg's `JCOEF` (values from corrupt data wrap rather than trap).
struct JPEGScanDecoder {
  let frame: JPEGFrame
  let scan: JPEGScan
  let restartInterval: Int
  /// Builds an error naming the file and the scan.
  let fail: (ImageDecodingError.Kind, String) -> ImageDecodingError
  var reader: JPEGBitReader
  /// DC predictor per scan component (T.81 F.2.1.3.1): the previous block's DC value.
  private var predictors: [Int]
  /// Progressive AC: blocks still to skip because an end-of-band run covers them.
  private var endOfBandRun = 0

  init(
    frame: JPEGFrame, scan: JPEGScan, restartInterval: Int, reader: JPEGBitReader,
    fail: @escaping (ImageDecodingError.Kind, String) -> ImageDecodingError
  ) {
    self.frame = frame
    self.scan = scan
    self.restartInterval = restartInterval
    self.reader = reader
    self.fail = fail
    predictors = [Int](repeating: 0, count: scan.componentIndices.count)
  }

  private enum Mode { case sequential, dcFirst, dcRefine, acFirst, acRefine }

  private var mode: Mode {
    if !frame.isProgressive { return .sequential }
    if scan.spectralStart == 0 { return scan.approximationHigh == 0 ? .dcFirst : .dcRefine }
    return scan.approximationHigh == 0 ? .acFirst : .acRefine
  }

  /// Decodes every MCU of the scan, checking restart markers between intervals.
  mutating func decode(into coefficients: inout [Int16]) throws {
    let mode = self.mode
    try coefficients.withUnsafeMutableBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return }
      if scan.componentIndices.count == 1 {
        // Non-interleaved: one block per MCU, covering only blocks with image data.
        let component = frame.components[scan.componentIndices[0]]
        let across = component.dataBlocksPerLine
        let total = across * component.dataBlocksPerColumn
        for mcu in 0..<total {
          try startMCU(mcu)
          let row = mcu / across
          let column = mcu % across
          let block = base + component.coefficientOffset
            + (row * component.blocksPerLine + column) * 64
          try decodeBlock(block, scanComponent: 0, mode: mode, mcu: mcu)
        }
      } else {
        let total = frame.mcusPerLine * frame.mcusPerColumn
        for mcu in 0..<total {
          try startMCU(mcu)
          let mcuRow = mcu / frame.mcusPerLine
          let mcuColumn = mcu % frame.mcusPerLine
          for (scanComponent, index) in scan.componentIndices.enumerated() {
            let component = frame.components[index]
            for v in 0..<component.verticalSampling {
              for h in 0..<component.horizontalSampling {
                let row = mcuRow * component.verticalSampling + v
                let column = mcuColumn * component.horizontalSampling + h
                let block = base + component.coefficientOffset
                  + (row * component.blocksPerLine + column) * 64
                try decodeBlock(block, scanComponent: scanComponent, mode: mode, mcu: mcu)
              }
            }
          }
        }
      }
    }
  }

  /// At the start of each restart interval after the first, expects RSTm with
  /// m = interval number mod 8, then resets the predictors and the end-of-band run.
  private mutating func startMCU(_ mcu: Int) throws {
    guard restartInterval > 0, mcu > 0, mcu % restartInterval == 0 else { return }
    let expected = UInt8(0xD0 + (mcu / restartInterval - 1) % 8)
    guard let (marker, offset) = reader.nextMarker() else {
      throw fail(.truncated, "data ends where RST\(expected - 0xD0) was expected before MCU \(mcu)")
    }
    guard marker == expected else {
      throw fail(
        .malformed,
        "expected restart marker RST\(expected - 0xD0) before MCU \(mcu), found "
          + "marker 0x\(hex(marker)) at byte \(offset)")
    }
    for i in predictors.indices { predictors[i] = 0 }
    endOfBandRun = 0
  }

  private mutating func decodeBlock(
    _ block: UnsafeMutablePointer<Int16>, scanComponent: Int, mode: Mode, mcu: Int
  ) throws {
    do {
      switch mode {
      case .sequential: try decodeSequential(block, scanComponent)
      case .dcFirst: try decodeDCFirst(block, scanComponent)
      case .dcRefine: try decodeDCRefine(block)
      case .acFirst: try decodeACFirst(block, scanComponent)
      case .acRefine: try decodeACRefine(block, scanComponent)
      }
    } catch is JPEGBitReader.EndOfData {
      throw fail(.truncated, "entropy-coded data ends inside MCU \(mcu) (no EOI marker)")
    } catch is JPEGBitReader.BadHuffmanCode {
      throw fail(.malformed, "invalid Huffman code in MCU \(mcu)")
    }
  }

  /// The DC difference: a Huffman-coded size category followed by that many extra bits.
  private mutating func decodeDCDifference(_ scanComponent: Int) throws -> Int {
    // Tables were checked to exist before decoding started.
    guard let table = scan.dcTables[scanComponent] else { return 0 }
    let size = try reader.decode(table)
    guard size <= 16 else { throw fail(.malformed, "DC difference size \(size) exceeds 16") }
    return size == 0 ? 0 : try reader.extended(size)
  }

  private func checkIndex(_ k: Int, _ end: Int) throws {
    guard k <= end else {
      throw fail(.malformed, "AC run passes the end of the band (coefficient \(k) > \(end))")
    }
  }

  /// Baseline/extended: DC then AC 1…63, run-length coded (T.81 F.2.2.2).
  private mutating func decodeSequential(
    _ block: UnsafeMutablePointer<Int16>, _ scanComponent: Int
  ) throws {
    predictors[scanComponent] &+= try decodeDCDifference(scanComponent)
    block[0] = Int16(truncatingIfNeeded: predictors[scanComponent])
    guard let table = scan.acTables[scanComponent] else { return }
    var k = 1
    while k < 64 {
      let symbol = try reader.decode(table)
      let run = symbol >> 4
      let size = symbol & 15
      if size == 0 {
        if run != 15 { break }  // EOB: the rest of the block is zero
        k += 16  // ZRL: sixteen zeros
        continue
      }
      k += run
      try checkIndex(k, 63)
      block[jpegNaturalOrder[k]] = Int16(truncatingIfNeeded: try reader.extended(size))
      k += 1
    }
  }

  /// Progressive DC, first scan: the DC value shifted left by Al.
  private mutating func decodeDCFirst(
    _ block: UnsafeMutablePointer<Int16>, _ scanComponent: Int
  ) throws {
    predictors[scanComponent] &+= try decodeDCDifference(scanComponent)
    block[0] = Int16(truncatingIfNeeded: predictors[scanComponent] << scan.approximationLow)
  }

  /// Progressive DC refinement: one more bit, at position Al.
  private mutating func decodeDCRefine(_ block: UnsafeMutablePointer<Int16>) throws {
    if try reader.bit() != 0 { block[0] |= Int16(truncatingIfNeeded: 1 << scan.approximationLow) }
  }

  /// Progressive AC, first scan of the band Ss…Se (T.81 G.1.2.2), with end-of-band runs.
  private mutating func decodeACFirst(
    _ block: UnsafeMutablePointer<Int16>, _ scanComponent: Int
  ) throws {
    if endOfBandRun > 0 {
      endOfBandRun -= 1
      return
    }
    guard let table = scan.acTables[scanComponent] else { return }
    var k = scan.spectralStart
    let end = scan.spectralEnd
    while k <= end {
      let symbol = try reader.decode(table)
      let run = symbol >> 4
      let size = symbol & 15
      if size == 0 {
        if run < 15 {
          // EOBr: this block and the next 2^r − 1 + (r extra bits) blocks end here.
          endOfBandRun = (1 << run) - 1 + (try reader.bits(run))
          break
        }
        k += 16
        continue
      }
      k += run
      try checkIndex(k, end)
      let value = try reader.extended(size) * (1 << scan.approximationLow)
      block[jpegNaturalOrder[k]] = Int16(truncatingIfNeeded: value)
      k += 1
    }
  }

  /// Progressive AC refinement (T.81 G.1.2.3): new coefficients of magnitude 2^Al are placed
  /// after skipping `run` zero-history coefficients, and every coefficient already non-zero
  /// that is passed over receives one correction bit.
  private mutating func decodeACRefine(
    _ block: UnsafeMutablePointer<Int16>, _ scanComponent: Int
  ) throws {
    let plusOne = 1 << scan.approximationLow
    let minusOne = -1 << scan.approximationLow
    let end = scan.spectralEnd
    var k = scan.spectralStart

    /// Applies a correction bit to a coefficient that is already non-zero.
    func refine(_ index: Int, _ reader: inout JPEGBitReader) throws {
      let coefficient = Int(block[index])
      if try reader.bit() != 0 && coefficient & plusOne == 0 {
        block[index] = Int16(
          truncatingIfNeeded: coefficient + (coefficient >= 0 ? plusOne : minusOne))
      }
    }

    if endOfBandRun == 0, let table = scan.acTables[scanComponent] {
      while k <= end {
        let symbol = try reader.decode(table)
        var run = symbol >> 4
        let size = symbol & 15
        var value = 0
        if size != 0 {
          guard size == 1 else {
            throw fail(.malformed, "AC refinement coefficient of size \(size), expected 1")
          }
          value = try reader.bit() != 0 ? plusOne : minusOne
        } else if run != 15 {
          endOfBandRun = (1 << run) + (try reader.bits(run))
          break
        }
        // Skip `run` zero-history coefficients, refining non-zero ones on the way; the new
        // value (if any) goes into the next zero-history coefficient.
        while k <= end {
          let index = jpegNaturalOrder[k]
          if block[index] != 0 {
            try refine(index, &reader)
          } else {
            if run == 0 { break }
            run -= 1
          }
          k += 1
        }
        if value != 0 {
          try checkIndex(k, end)
          block[jpegNaturalOrder[k]] = Int16(value)
        }
        k += 1
      }
    }
    if endOfBandRun > 0 {
      // Inside an end-of-band run only correction bits for non-zero coefficients remain.
      while k <= end {
        let index = jpegNaturalOrder[k]
        if block[index] != 0 { try refine(index, &reader) }
        k += 1
      }
      endOfBandRun -= 1
    }
  }
}

/// Two upper-case hexadecimal digits.
func hex(_ byte: UInt8) -> String {
  let digits = Array("0123456789ABCDEF")
  return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
}
