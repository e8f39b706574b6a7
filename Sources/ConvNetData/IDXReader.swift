import ConvNetCompression
import Foundation

/// Reads and validates IDX files, plain or gzip-compressed.
///
/// Layout: magic number `00 00 TT DD` (TT the data type, DD the number of dimensions), DD
/// big-endian UInt32 dimension sizes, then the elements. Everything is checked — nothing is
/// skipped by position — and the file must be exactly header + product(dimensions) · size
/// bytes long. Errors are `DataError`s naming the file and field.
public enum IDXReader {
  /// Reads the IDX file at `url`; gzip is detected from the content (magic 0x1F 0x8B), not the
  /// file name.
  /// Errors name the file by its full path.
  public static func read(contentsOf url: URL) throws -> IDXArray {
    try parse(DataFile.read(url), fileName: url.path)
  }

  /// Parses IDX bytes (plain or gzip); `fileName` is used in error messages.
  ///
  /// Gzip data is inflated in two steps: first the header (at most 1,024 bytes), then the
  /// rest, capped at the size the header describes — so a small compressed file cannot make
  /// the reader allocate more than the array it announces.
  public static func parse(_ data: Data, fileName: String) throws -> IDXArray {
    var bytes: [UInt8]
    if Gzip.isGzip(data) {
      var expected = Int.max
      do {
        // The header's own checks (magic number, dimensions) run on the first 1,024 bytes,
        // enough for the largest header (255 dimensions).
        expected = try expectedSize(Gzip.decompressedPrefix(data, count: 4 + 4 * 255), fileName: fileName)
        bytes = try Gzip.decompress(data, maximumSize: expected)
      } catch let error as CompressionError where error.kind == .outputLimitExceeded {
        throw DataError(
          file: fileName, field: "gzip data",
          problem: "decompresses to more than the \(expected) bytes its IDX header describes: "
            + "extra bytes at the end")
      } catch let error as CompressionError {
        throw DataError(file: fileName, field: "gzip data", problem: "is corrupt: \(error)")
      }
    } else {
      bytes = [UInt8](data)
    }
    return try parse(bytes, fileName: fileName)
  }

  /// The total size (header + payload) that the IDX header at the start of `prefix`
  /// describes, or `Int.max` when `prefix` is too short to hold the header (the full parse
  /// then reports the truncation).
  static func expectedSize(_ prefix: [UInt8], fileName: String) throws -> Int {
    guard prefix.count >= 4, prefix.count >= 4 + 4 * Int(prefix[3]) else { return Int.max }
    let header = try parseHeader(prefix, fileName: fileName)
    return header.headerSize + header.payloadSize
  }

  /// The validated header of decoded IDX bytes: checks of the magic number and dimensions.
  static func parseHeader(_ bytes: [UInt8], fileName: String) throws
    -> (dataType: IDXDataType, dimensions: [Int], headerSize: Int, payloadSize: Int)
  {
    func fail(_ field: String, _ problem: String) -> DataError {
      DataError(file: fileName, field: field, problem: problem)
    }
    guard bytes.count >= 4 else {
      throw fail("magic number", "missing: the file is \(bytes.count) bytes, expected at least 4")
    }
    let magic =
      UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3])
    guard bytes[0] == 0 && bytes[1] == 0 else {
      throw fail(
        "magic number",
        "\(IDXArray.hex(magic)), expected 0x0000TTDD (two zero bytes, data type, dimension count)")
    }
    guard let dataType = IDXDataType(rawValue: bytes[2]) else {
      let known = IDXDataType.allCases.map {
        "0x" + String($0.rawValue, radix: 16, uppercase: true).leftPadded(to: 2)
          + " (\($0.specificationName))"
      }
      throw fail(
        "data type",
        "0x\(String(bytes[2], radix: 16, uppercase: true).leftPadded(to: 2)) in magic number "
          + "\(IDXArray.hex(magic)), expected one of \(known.joined(separator: ", "))")
    }
    let rank = Int(bytes[3])
    guard rank >= 1 else {
      throw fail("dimension count", "0 in magic number \(IDXArray.hex(magic)), expected at least 1")
    }
    let headerSize = 4 + 4 * rank
    guard bytes.count >= headerSize else {
      throw fail(
        "dimension sizes",
        "truncated: the file is \(bytes.count) bytes, expected a \(headerSize)-byte header "
          + "(4 + 4 × \(rank) dimensions)")
    }

    var dimensions: [Int] = []
    var elementCount = 1
    var overflow = false
    bytes.withUnsafeBufferPointer { buffer in
      for axis in 0..<rank {
        let size = Int(UInt32(bigEndianBytes: buffer, at: 4 + 4 * axis))
        dimensions.append(size)
        let (product, didOverflow) = elementCount.multipliedReportingOverflow(by: size)
        elementCount = product
        overflow = overflow || didOverflow
      }
    }
    // The outermost dimension (the item count) may be 0; a zero-sized inner dimension
    // would make every item empty, which no image or label file has.
    for axis in 1..<rank where dimensions[axis] == 0 {
      throw fail("dimension \(axis) size", "0, expected at least 1 (dimensions \(dimensions))")
    }
    let (payloadSize, sizeOverflow) = elementCount.multipliedReportingOverflow(
      by: dataType.byteSize)
    guard !overflow && !sizeOverflow else {
      throw fail("dimension sizes", "\(dimensions) describe more elements than can be addressed")
    }
    return (dataType, dimensions, headerSize, payloadSize)
  }

  /// Parses decoded (not compressed) IDX bytes; `fileName` is used in error messages.
  public static func parse(_ bytes: [UInt8], fileName: String) throws -> IDXArray {
    func fail(_ field: String, _ problem: String) -> DataError {
      DataError(file: fileName, field: field, problem: problem)
    }
    let (dataType, dimensions, headerSize, payloadSize) = try parseHeader(bytes, fileName: fileName)
    let expectedSize = headerSize + payloadSize
    guard bytes.count == expectedSize else {
      let shape = dimensions.map(String.init).joined(separator: " × ")
      let verdict =
        bytes.count < expectedSize
        ? "truncated (\(expectedSize - bytes.count) bytes missing)"
        : "\(bytes.count - expectedSize) extra bytes at the end"
      throw fail(
        "file size",
        "\(bytes.count) bytes, expected \(expectedSize) = \(headerSize)-byte header + \(shape) "
          + "× \(dataType.byteSize)-byte \(dataType.specificationName): \(verdict)")
    }
    return IDXArray(
      fileName: fileName, dataType: dataType, dimensions: dimensions, fileBytes: bytes,
      payloadOffset: headerSize)
  }
}

extension String {
  func leftPadded(to width: Int) -> String {
    String(repeating: "0", count: max(0, width - count)) + self
  }
}
