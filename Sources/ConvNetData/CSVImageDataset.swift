import Foundation

/// Images stored one per line of a CSV file as a label and pixel values 0…255 — the Kaggle
/// "Digit Recognizer" layout: a header `label,pixel0,pixel1,…,pixel783`, then one row per image.
///
/// The image is one channel; its side is √(pixel columns) unless a size is given. Values must
/// be integers 0…255 (surrounding spaces and double quotes are allowed); lines may end in LF
/// or CRLF; blank lines are skipped. The pixels are held in memory as bytes.
public enum CSVImageDataset {
  /// Where the label is.
  public enum LabelColumn: Equatable, Sendable {
    /// The column whose header is this name (the file must have a header row).
    case named(String)
    /// The column at this 0-based position; the first row is a header if it is not all numbers.
    case index(Int)
  }

  /// Loads the file at `url`.
  ///
  /// - Parameters:
  ///   - labelColumn: `.named("label")` (Kaggle) by default. A file whose header has no such
  ///     column (Kaggle's unlabelled `test.csv`) is rejected: it cannot be trained on.
  ///   - imageSize: (height, width) when the images are not square; their product must be the
  ///     number of pixel columns.
  ///   - classCount: the number of classes if known; otherwise the largest label + 1.
  /// - Throws: `DataError` naming the file, the line (1-based) and the column (1-based, with its
  ///   header name) of the first bad value, a row with the wrong number of values, a missing
  ///   label column or a pixel count that is not a square.
  public static func load(
    contentsOf url: URL, labelColumn: LabelColumn = .named("label"),
    imageSize: (height: Int, width: Int)? = nil, classCount: Int? = nil, name: String? = nil
  ) throws -> ImageClassificationDataset {
    let fileName = url.path
    let data = try DataFile.read(url)
    var rows = CSVRows(bytes: [UInt8](data))
    guard let (firstLine, firstFields) = rows.next() else {
      throw DataError(file: fileName, field: "line 1", problem: "missing: the file is empty")
    }

    // The header, and which column holds the label.
    let firstRow = firstFields.map(CSVRows.text)
    let firstIsHeader = !firstFields.allSatisfy { CSVRows.integer($0) != nil }
    let columnNames = firstIsHeader ? firstRow : (0..<firstRow.count).map { "column \($0 + 1)" }
    let labelIndex: Int
    switch labelColumn {
    case .named(let wanted):
      guard firstIsHeader else {
        throw DataError(
          file: fileName, field: "line \(firstLine)",
          problem: "is not a header (all values are numbers), expected column names including "
            + "\"\(wanted)\"; pass the label's column position instead")
      }
      guard let found = firstRow.firstIndex(of: wanted) else {
        throw DataError(
          file: fileName, field: "line \(firstLine) (header)",
          problem: "has no column named \"\(wanted)\" among its \(firstRow.count) columns ("
            + firstRow.prefix(3).joined(separator: ", ") + (firstRow.count > 3 ? ", …" : "")
            + "): without labels (like Kaggle's test.csv) the file cannot be used for training")
      }
      labelIndex = found
    case .index(let index):
      guard index >= 0 && index < firstRow.count else {
        throw DataError(
          file: fileName, field: "label column",
          problem: "\(index + 1) does not exist, the file has \(firstRow.count) columns")
      }
      labelIndex = index
    }

    // The image shape.
    let pixelCount = firstRow.count - 1
    let (height, width): (Int, Int)
    if let imageSize {
      guard imageSize.height * imageSize.width == pixelCount else {
        throw DataError(
          file: fileName, field: "line \(firstLine)",
          problem: "has \(pixelCount) pixel columns, expected \(imageSize.height)×"
            + "\(imageSize.width) = \(imageSize.height * imageSize.width) for the image size given")
      }
      (height, width) = imageSize
    } else {
      let side = Int(Double(pixelCount).squareRoot().rounded())
      guard pixelCount > 0 && side * side == pixelCount else {
        throw DataError(
          file: fileName, field: "line \(firstLine)",
          problem: "has \(pixelCount) pixel columns, which is not a square number; give the "
            + "image size (height × width) explicitly")
      }
      (height, width) = (side, side)
    }

    // The rows.
    var pixels: [UInt8] = []
    var labels: [Int32] = []
    var labelLines: [Int] = []
    pixels.reserveCapacity(data.count / 2)
    func parse(_ line: Int, _ row: [ArraySlice<UInt8>]) throws {
      guard row.count == firstRow.count else {
        throw DataError(
          file: fileName, field: "line \(line)",
          problem: "has \(row.count) values, expected \(firstRow.count) like "
            + (firstIsHeader ? "the header" : "line \(firstLine)"))
      }
      for (column, field) in row.enumerated() {
        let value = CSVRows.integer(field)
        if column == labelIndex {
          guard let value, value >= 0, classCount.map({ value < $0 }) ?? true else {
            throw DataError(
              file: fileName, field: "line \(line), column \(column + 1) (\(columnNames[column]))",
              problem: "is \"\(CSVRows.text(field))\", expected a class index 0…"
                + (classCount.map { String($0 - 1) } ?? ""))
          }
          labels.append(Int32(clamping: value))
          labelLines.append(line)
        } else {
          guard let value, (0...255).contains(value) else {
            throw DataError(
              file: fileName, field: "line \(line), column \(column + 1) (\(columnNames[column]))",
              problem: "is \"\(CSVRows.text(field))\", expected an integer pixel value 0…255")
          }
          pixels.append(UInt8(value))
        }
      }
    }
    if !firstIsHeader { try parse(firstLine, firstFields) }
    while let (line, row) = rows.next() { try parse(line, row) }
    guard !labels.isEmpty else {
      throw DataError(
        file: fileName, field: "rows", problem: "none after the header, expected at least one image"
      )
    }
    if classCount == nil {
      try ClassCountCheck.check(labels, file: fileName) {
        "line \(labelLines[$0]), column \(labelIndex + 1) (\(columnNames[labelIndex]))"
      }
    }
    let classes = classCount ?? Int(labels.max() ?? 0) + 1
    return ImageClassificationDataset(
      name: name ?? url.deletingPathExtension().lastPathComponent, pixels: pixels, labels: labels,
      sampleShape: [1, height, width], classCount: classes)
  }
}

/// The non-blank lines of a CSV file split at commas, each with its 1-based line number.
/// Fields are raw byte slices, so that numbers are parsed without making strings; quoted
/// commas are not supported (pixel files have none).
struct CSVRows: IteratorProtocol {
  let bytes: [UInt8]
  var position = 0
  var lineNumber = 0

  init(bytes: [UInt8]) {
    self.bytes = bytes
    // Skip a UTF-8 byte-order mark.
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
  }

  mutating func next() -> (Int, [ArraySlice<UInt8>])? {
    while position < bytes.count {
      lineNumber += 1
      var end = position
      while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
      let lineStart = position
      position = end + 1
      var lineEnd = end
      if lineEnd > lineStart && bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
      let line = bytes[lineStart..<lineEnd]
      if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { continue }
      return (
        lineNumber, line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
      )
    }
    return nil
  }

  /// The field without surrounding spaces and one pair of surrounding double quotes.
  static func trimmed(_ field: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
    var field = field
    let blank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
    while let first = field.first, blank(first) { field = field.dropFirst() }
    while let last = field.last, blank(last) { field = field.dropLast() }
    if field.count >= 2 && field.first == UInt8(ascii: "\"") && field.last == UInt8(ascii: "\"") {
      field = field.dropFirst().dropLast()
    }
    return field
  }

  /// The field as text, trimmed.
  static func text(_ field: ArraySlice<UInt8>) -> String {
    String(decoding: trimmed(field), as: UTF8.self)
  }

  /// The field as a non-negative decimal integer of at most 9 digits, or nil.
  static func integer(_ field: ArraySlice<UInt8>) -> Int? {
    let digits = trimmed(field)
    guard !digits.isEmpty && digits.count <= 9 else { return nil }
    var value = 0
    for byte in digits {
      guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
      value = value * 10 + Int(byte - UInt8(ascii: "0"))
    }
    return value
  }
}

extension CSVImageDataset {
  /// The column names on the first non-blank line of `url` (empty when unreadable), to tell a
  /// labelled CSV from an unlabelled one without reading it all.
  public static func header(of url: URL) -> [String] {
    guard let handle = try? FileHandle(forReadingFrom: url) else { return [] }
    defer { try? handle.close() }
    var bytes: [UInt8] = []
    while !bytes.contains(UInt8(ascii: "\n")),
      let chunk = try? handle.read(upToCount: 65536), !chunk.isEmpty
    {
      bytes += chunk
    }
    var rows = CSVRows(bytes: bytes)
    return rows.next()?.1.map(CSVRows.text) ?? []
  }
}
