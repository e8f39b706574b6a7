/// Parsing and validation of the table, frame and scan segments (T.81 B.2.2–B.2.4).
extension JPEGDecodingState {
  /// SOF0/SOF1/SOF2: precision, size, components and their sampling factors.
  mutating func readFrameHeader(_ segment: JPEGSegment, isProgressive: Bool) throws {
    var segment = segment
    let label = segment.label
    guard frame == nil else { throw error(.malformed, "\(label): a second frame header") }
    let precision = try segment.byte("sample precision")
    let height = try segment.uint16("height")
    let width = try segment.uint16("width")
    let count = try segment.byte("component count")
    guard precision == 8 else {
      throw error(.unsupported, "\(label): \(precision)-bit samples are not supported (only 8-bit)")
    }
    guard height > 0 else {
      throw error(.unsupported, "\(label): height 0 (to be set by a DNL marker) is not supported")
    }
    guard width > 0 else { throw error(.malformed, "\(label): width 0") }
    guard width * height <= JPEGDecoder.maximumPixelCount else {
      throw error(
        .unsupported,
        "\(label): \(width)×\(height) pixels exceeds the limit of "
          + "\(JPEGDecoder.maximumPixelCount) pixels")
    }
    switch count {
    case 1, 3: break
    case 4:
      throw error(.unsupported, "\(label): 4-component (CMYK/YCCK) images are not supported")
    default:
      throw error(
        .unsupported, "\(label): \(count) components (only 1 = grey and 3 = colour are supported)")
    }
    var sampling: [(id: UInt8, h: Int, v: Int, table: Int)] = []
    for index in 0..<count {
      let id = UInt8(try segment.byte("component \(index) id"))
      let factors = try segment.byte("component \(index) sampling factors")
      let table = try segment.byte("component \(index) quantisation table")
      let h = factors >> 4
      let v = factors & 15
      guard (1...4).contains(h) && (1...4).contains(v) else {
        throw error(
          .malformed, "\(label): component \(id) sampling factors \(h)×\(v), expected 1…4 each")
      }
      guard table <= 3 else {
        throw error(.malformed, "\(label): component \(id) quantisation table \(table), expected 0…3")
      }
      guard !sampling.contains(where: { $0.id == id }) else {
        throw error(.malformed, "\(label): component id \(id) appears twice")
      }
      sampling.append((id, h, v, table))
    }
    try segment.requireEnd()
    let maxH = sampling.map(\.h).max() ?? 1
    let maxV = sampling.map(\.v).max() ?? 1
    for s in sampling where maxH % s.h != 0 || maxV % s.v != 0 {
      throw error(
        .unsupported,
        "\(label): component \(s.id) sampling \(s.h)×\(s.v) is not an integer fraction of "
          + "\(maxH)×\(maxV)")
    }
    let frame = JPEGFrame(
      width: width, height: height, isProgressive: isProgressive, sampling: sampling)
    coefficients = [Int16](repeating: 0, count: frame.coefficientCount)
    self.frame = frame
  }

  /// DHT: one or more Huffman tables, each class (DC/AC), id, 16 counts and the symbols.
  mutating func readHuffmanTables(_ segment: JPEGSegment) throws {
    var segment = segment
    let label = segment.label
    while segment.remaining > 0 {
      let classAndID = try segment.byte("table class and id")
      let tableClass = classAndID >> 4
      let id = classAndID & 15
      guard tableClass <= 1 && id <= 3 else {
        throw error(
          .malformed, "\(label): table class \(tableClass) id \(id), expected class 0…1, id 0…3")
      }
      let counts = try segment.bytes(16, "code length counts")
      let total = counts.reduce(0) { $0 + Int($1) }
      guard total <= 256 else {
        throw error(.malformed, "\(label): \(total) codes in one table, expected at most 256")
      }
      let symbols = try segment.bytes(total, "\(total) table symbols")
      guard let table = JPEGHuffmanTable(counts: counts, symbols: symbols) else {
        throw error(
          .malformed, "\(label): code length counts overflow the code space (invalid table)")
      }
      if tableClass == 0 { dcTables[id] = table } else { acTables[id] = table }
    }
  }

  /// DQT: one or more quantisation tables, 8- or 16-bit, in zig-zag order.
  mutating func readQuantizationTables(_ segment: JPEGSegment) throws {
    var segment = segment
    let label = segment.label
    while segment.remaining > 0 {
      let precisionAndID = try segment.byte("table precision and id")
      let precision = precisionAndID >> 4
      let id = precisionAndID & 15
      guard precision <= 1 && id <= 3 else {
        throw error(
          .malformed,
          "\(label): table precision \(precision) id \(id), expected precision 0…1, id 0…3")
      }
      var table = [Int32](repeating: 0, count: 64)
      for k in 0..<64 {
        let value = precision == 0 ? try segment.byte("table values") : try segment.uint16("table values")
        table[jpegNaturalOrder[k]] = Int32(value)
      }
      quantizationTables[id] = table
    }
  }

  /// SOS: validates the scan header, then decodes the entropy-coded data that follows.
  mutating func readScan(_ segment: JPEGSegment, offset: Int) throws {
    var segment = segment
    let label = segment.label
    guard var frame else {
      throw error(.malformed, "\(label): scan before the frame header (SOF marker)")
    }
    let count = try segment.byte("component count")
    guard (1...4).contains(count) else {
      throw error(.malformed, "\(label): \(count) components in scan, expected 1…4")
    }
    var indices: [Int] = []
    var tableIDs: [(dc: Int, ac: Int)] = []
    for _ in 0..<count {
      let id = UInt8(try segment.byte("component id"))
      let tables = try segment.byte("table selectors")
      guard let index = frame.components.firstIndex(where: { $0.id == id }) else {
        throw error(.malformed, "\(label): scan refers to component id \(id), not in the frame")
      }
      guard !indices.contains(index) else {
        throw error(.malformed, "\(label): component id \(id) appears twice in the scan")
      }
      indices.append(index)
      tableIDs.append((tables >> 4, tables & 15))
    }
    let start = try segment.byte("spectral start")
    let end = try segment.byte("spectral end")
    let approximation = try segment.byte("successive approximation")
    try segment.requireEnd()
    let high = approximation >> 4
    let low = approximation & 15

    if frame.isProgressive {
      let valid =
        start <= end && end <= 63 && (start > 0 || end == 0) && (start == 0 || count == 1)
        && low <= 13 && (high == 0 || high == low + 1)
      guard valid else {
        throw error(
          .malformed,
          "\(label): invalid progressive parameters Ss=\(start) Se=\(end) Ah=\(high) Al=\(low)")
      }
    }
    if count > 1 {
      let blocks = indices.reduce(0) {
        $0 + frame.components[$1].horizontalSampling * frame.components[$1].verticalSampling
      }
      guard blocks <= 10 else {
        throw error(.malformed, "\(label): \(blocks) blocks per MCU, expected at most 10")
      }
    }

    // Which tables this kind of scan reads.
    let needsDC = !frame.isProgressive || (start == 0 && high == 0)
    let needsAC = !frame.isProgressive || start > 0
    var scan = JPEGScan(
      componentIndices: indices, dcTables: [], acTables: [], spectralStart: start,
      spectralEnd: end, approximationHigh: high, approximationLow: low)
    for (index, ids) in zip(indices, tableIDs) {
      let id = frame.components[index].id
      var dc: JPEGHuffmanTable? = nil
      var ac: JPEGHuffmanTable? = nil
      if needsDC {
        guard ids.dc <= 3, let table = dcTables[ids.dc] else {
          throw error(
            .malformed,
            "\(label): component \(id) uses DC Huffman table \(ids.dc), which no DHT segment defined")
        }
        dc = table
      }
      if needsAC {
        guard ids.ac <= 3, let table = acTables[ids.ac] else {
          throw error(
            .malformed,
            "\(label): component \(id) uses AC Huffman table \(ids.ac), which no DHT segment defined")
        }
        ac = table
      }
      scan.dcTables.append(dc)
      scan.acTables.append(ac)
      // Latch the quantisation table at the component's first scan, as libjpeg does.
      if frame.components[index].quantizationTable == nil {
        let tableIndex = frame.components[index].quantizationTableIndex
        guard let table = quantizationTables[tableIndex] else {
          throw error(
            .malformed,
            "\(label): component \(id) uses quantisation table \(tableIndex), which no DQT "
              + "segment defined")
        }
        frame.components[index].quantizationTable = table
      }
    }
    self.frame = frame

    let scanNumber = scanCount + 1
    var decoder = JPEGScanDecoder(
      frame: frame, scan: scan, restartInterval: restartInterval,
      reader: JPEGBitReader(bytes: bytes, position: segment.end),
      fail: { [name] kind, reason in
        ImageDecodingError(
          file: name, format: "JPEG", kind: kind,
          reason: "scan \(scanNumber) (SOS at byte \(offset)): \(reason)")
      })
    try decoder.decode(into: &coefficients)
    position = decoder.reader.position
    scanCount += 1
  }
}
