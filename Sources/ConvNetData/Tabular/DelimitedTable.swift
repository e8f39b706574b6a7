import Foundation

/// A CSV or TSV file with a header row, as text fields.
///
/// CSV follows RFC 4180: fields are separated by commas; a field that starts with a double
/// quote runs to the matching quote, may hold commas and line breaks, and writes a quote as
/// `""`. A quote inside an unquoted field is kept as it is (files in the wild have them).
/// TSV is the IANA text/tab-separated-values layout: fields separated by tabs, no quoting
/// (a quote is an ordinary character). Line ends may be LF or CRLF, a UTF-8 byte-order mark is
/// skipped and blank lines are ignored; every row must have as many fields as the header.
public struct DelimitedTable: Sendable {
  /// The separator and the quoting rules.
  public enum Dialect: String, Sendable {
    case csv, tsv

    /// `.tsv` for names ending in .tsv or .tab, `.csv` otherwise.
    public static func guess(for url: URL) -> Dialect {
      ["tsv", "tab"].contains(url.pathExtension.lowercased()) ? .tsv : .csv
    }
  }

  /// The file name used in errors.
  public let file: String
  /// The column names (surrounding spaces trimmed).
  public let header: [String]
  /// Each row's fields, as many as the header's.
  public let rows: [[String]]
  /// The 1-based line on which each row starts, for messages.
  public let lineNumbers: [Int]

  /// Reads the table at `url` (dialect from the file name unless given).
  /// - Throws: `DataError` naming the file and line: not UTF-8 (with the byte offset), no
  ///   header, an unterminated quoted field, text after a closing quote, a row whose field
  ///   count differs from the header's, a repeated or empty column name.
  public static func read(contentsOf url: URL, dialect: Dialect? = nil) throws -> DelimitedTable {
    let text = try UTF8Text.read(contentsOf: url)
    return try parse(text, file: url.path, dialect: dialect ?? .guess(for: url))
  }

  /// Parses `text` (see `read(contentsOf:dialect:)`); `file` names it in errors.
  public static func parse(_ text: String, file: String, dialect: Dialect) throws -> DelimitedTable {
    var records = try DelimitedRecords(bytes: Array(text.utf8), file: file, dialect: dialect)
    guard let (headerLine, headerFields) = try records.next() else {
      throw DataError(file: file, field: "line 1", problem: "missing: expected a header row of column names")
    }
    let header = headerFields.map { $0.trimmingCharacters(in: .whitespaces) }
    var seen: [String: Int] = [:]
    for (index, name) in header.enumerated() {
      guard !name.isEmpty else {
        throw DataError(
          file: file, field: "line \(headerLine) (header), column \(index + 1)",
          problem: "is empty, expected a column name")
      }
      if let earlier = seen[name] {
        throw DataError(
          file: file, field: "line \(headerLine) (header), column \(index + 1)",
          problem: "repeats the name \"\(name)\" of column \(earlier + 1); column names must differ")
      }
      seen[name] = index
    }
    var rows: [[String]] = []
    var lines: [Int] = []
    while let (line, fields) = try records.next() {
      guard fields.count == header.count else {
        throw DataError(
          file: file, field: "line \(line)",
          problem: "has \(fields.count) fields, expected \(header.count) like the header"
            + (dialect == .csv ? " (a comma inside a field needs double quotes around it)" : ""))
      }
      rows.append(fields)
      lines.append(line)
    }
    return DelimitedTable(file: file, header: header, rows: rows, lineNumbers: lines)
  }

  /// The position of the column called `name`.
  /// - Parameter role: what the column is for, in the error ("target", "text", "label").
  public func columnIndex(named name: String, role: String) throws -> Int {
    guard let index = header.firstIndex(of: name) else {
      let listed = header.prefix(12).joined(separator: ", ") + (header.count > 12 ? ", …" : "")
      throw DataError(
        file: file, field: "header",
        problem: "has no \(role) column \"\(name)\"; its columns are \(listed)")
    }
    return index
  }
}

/// The records of a delimited file, one at a time, each with the line it starts on.
struct DelimitedRecords {
  let bytes: [UInt8]
  let file: String
  let separator: UInt8
  let quoting: Bool
  var position = 0
  var line = 1

  init(bytes: [UInt8], file: String, dialect: DelimitedTable.Dialect) throws {
    self.bytes = bytes
    self.file = file
    self.separator = dialect == .csv ? UInt8(ascii: ",") : UInt8(ascii: "\t")
    self.quoting = dialect == .csv
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
  }

  private static let quote = UInt8(ascii: "\"")
  private static let newline = UInt8(ascii: "\n")
  private static let carriageReturn = UInt8(ascii: "\r")

  /// The next non-blank record, or nil at the end.
  mutating func next() throws -> (Int, [String])? {
    while position < bytes.count {
      let startLine = line
      var fields: [String] = []
      var field: [UInt8] = []
      var atFieldStart = true
      var endOfRecord = false
      while !endOfRecord {
        guard position < bytes.count else { break }
        let byte = bytes[position]
        if quoting && atFieldStart && byte == Self.quote {
          // A quoted field: up to the quote that is not doubled.
          let quoteLine = line
          position += 1
          while true {
            guard position < bytes.count else {
              throw DataError(
                file: file, field: "line \(quoteLine)",
                problem: "has a quoted field that is never closed, expected a closing \"")
            }
            let inner = bytes[position]
            if inner == Self.quote {
              if position + 1 < bytes.count && bytes[position + 1] == Self.quote {
                field.append(Self.quote)
                position += 2
                continue
              }
              position += 1
              break
            }
            if inner == Self.newline { line += 1 }
            field.append(inner)
            position += 1
          }
          // After the closing quote: a separator, a line end or the end of the file.
          var after = position
          if after < bytes.count && bytes[after] == Self.carriageReturn { after += 1 }
          if after < bytes.count && bytes[after] != separator && bytes[after] != Self.newline {
            throw DataError(
              file: file, field: "line \(line)",
              problem: "has text after a closing quote, expected a comma or the end of the line "
                + "(write a quote inside a quoted field as \"\")")
          }
          atFieldStart = false
          continue
        }
        atFieldStart = false
        position += 1
        switch byte {
        case separator:
          fields.append(String(decoding: field, as: UTF8.self))
          field.removeAll(keepingCapacity: true)
          atFieldStart = true
        case Self.newline:
          line += 1
          endOfRecord = true
        case Self.carriageReturn where position < bytes.count && bytes[position] == Self.newline:
          break
        default:
          field.append(byte)
        }
      }
      fields.append(String(decoding: field, as: UTF8.self))
      let blank = fields.count == 1 && fields[0].allSatisfy { $0 == " " || $0 == "\t" }
      if blank { continue }
      return (startLine, fields)
    }
    return nil
  }
}
