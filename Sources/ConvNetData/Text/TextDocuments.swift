import Foundation

/// The documents of a plain UTF-8 text file: one per line, or fortune-style entries.
public enum TextDocuments {
  /// How documents are laid out in the file.
  public enum Layout: Equatable, Sendable {
    /// One document per line; blank lines are skipped.
    case lines
    /// Entries that end at a line holding only `%` — Debian's fortune files, e.g. fortunes-zh's
    /// `tang300` (唐诗三百首) and `song100`. Each entry keeps its line breaks (a poem's lines).
    case fortunes
  }

  /// What to do with lines that carry ANSI colour escapes (ESC [ … m).
  public enum ColouredLines: Equatable, Sendable {
    /// Keep the line, its escapes removed.
    case keep
    /// Leave the line out: in fortunes-zh those are each poem's title and author, so what is
    /// left is the poem itself.
    case drop
  }

  /// The documents of the file at `url`.
  ///
  /// Line ends may be LF or CRLF; every ANSI escape sequence is removed; surrounding white
  /// space of each document is trimmed and empty documents are left out.
  /// - Throws: `DataError` for a file that cannot be read or is not UTF-8 (naming the byte
  ///   offset), or that holds no document.
  public static func read(
    contentsOf url: URL, layout: Layout = .lines, colouredLines: ColouredLines = .keep
  ) throws -> [String] {
    let text = try UTF8Text.read(contentsOf: url)
    let documents = split(text, layout: layout, colouredLines: colouredLines)
    guard !documents.isEmpty else {
      throw DataError(
        file: url.path, field: "text",
        problem: layout == .lines
          ? "has no non-blank line, expected one document per line"
          : "has no entry, expected entries that end at a line holding only %")
    }
    return documents
  }

  /// `text` cut into documents (see `read(contentsOf:layout:colouredLines:)`).
  public static func split(_ text: String, layout: Layout, colouredLines: ColouredLines = .keep) -> [String] {
    var documents: [String] = []
    var entry: [Substring] = []
    func finishEntry() {
      let document = entry.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
      if !document.isEmpty { documents.append(document) }
      entry = []
    }
    for rawLine in text.split(
      omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    {
      var line = rawLine
      if line.hasSuffix("\r") { line = line.dropLast() }
      if layout == .fortunes && line == "%" {
        finishEntry()
        continue
      }
      let (plain, hadEscapes) = removingEscapes(line)
      if hadEscapes && colouredLines == .drop { continue }
      entry.append(plain)
      if layout == .lines { finishEntry() }
    }
    finishEntry()
    return documents
  }

  /// The line without ANSI escape sequences (CSI: ESC [ parameters final-byte; or a lone ESC
  /// and the byte after it), and whether it had any.
  static func removingEscapes(_ line: Substring) -> (Substring, Bool) {
    guard line.unicodeScalars.contains("\u{1B}") else { return (line, false) }
    var result = String.UnicodeScalarView()
    var scalars = line.unicodeScalars.makeIterator()
    while let scalar = scalars.next() {
      guard scalar == "\u{1B}" else {
        result.append(scalar)
        continue
      }
      guard let next = scalars.next() else { break }
      if next == "[" {
        // Parameter and intermediate bytes 0x20…0x3F, then one final byte 0x40…0x7E.
        while let byte = scalars.next(), !(0x40...0x7E).contains(byte.value) {}
      }
    }
    return (Substring(String(result)), true)
  }
}
