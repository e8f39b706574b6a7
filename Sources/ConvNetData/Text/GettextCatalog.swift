import Foundation

/// A compiled gettext message catalogue (`.mo`): the translations of a program's interface
/// strings, e.g. `/usr/share/locale/zh_CN/LC_MESSAGES/apt.mo`.
///
/// The format (GNU gettext manual, "The Format of GNU MO Files"): a 28-byte header — magic
/// 0x950412de in the file's byte order (either), revision, the number of strings N, the
/// offsets of the original and the translation tables, and a hash table this reader does not
/// need — then two tables of N (length, offset) pairs pointing at NUL-terminated strings.
/// An original may be `context \u{04} msgid` and, for plural entries, `msgid \0 msgid_plural`
/// with the translation's forms separated by NULs.
public struct GettextCatalog: Sendable {
  /// One message.
  public struct Entry: Equatable, Sendable {
    /// The disambiguating context (`msgctxt`), if any.
    public var context: String?
    /// The original (English) text; "" for the catalogue's header entry.
    public var source: String
    /// The original's plural form, for plural entries.
    public var sourcePlural: String?
    /// The translations: one, or one per plural form.
    public var translations: [String]

    public init(context: String?, source: String, sourcePlural: String?, translations: [String]) {
      self.context = context
      self.source = source
      self.sourcePlural = sourcePlural
      self.translations = translations
    }
  }

  /// Every entry, in the file's order (sorted by original), the header entry included.
  public let entries: [Entry]

  /// Reads the catalogue at `url`.
  /// - Throws: `DataError` naming the file and field: a wrong magic number, an unknown major
  ///   revision, a table or string outside the file, a string without its NUL, or text that is
  ///   not UTF-8 (naming the entry).
  public init(contentsOf url: URL) throws {
    try self.init(bytes: [UInt8](try DataFile.read(url)), file: url.path)
  }

  /// Parses catalogue bytes; `file` names them in errors.
  public init(bytes: [UInt8], file: String) throws {
    func fail(_ field: String, _ problem: String) -> DataError {
      DataError(file: file, field: field, problem: problem)
    }
    guard bytes.count >= 28 else {
      throw fail("header", "is \(bytes.count) bytes, expected at least 28 for a gettext .mo file")
    }
    let littleEndian: Bool
    switch (bytes[0], bytes[1], bytes[2], bytes[3]) {
    case (0xDE, 0x12, 0x04, 0x95): littleEndian = true
    case (0x95, 0x04, 0x12, 0xDE): littleEndian = false
    default:
      throw fail(
        "magic number",
        String(
          format: "is %02x %02x %02x %02x, expected 0x950412de (either byte order) of a gettext .mo file",
          bytes[0], bytes[1], bytes[2], bytes[3]))
    }
    func word(_ offset: Int) -> Int {
      let b = (0..<4).map { UInt32(bytes[offset + $0]) }
      let value =
        littleEndian ? b[0] | b[1] << 8 | b[2] << 16 | b[3] << 24 : b[3] | b[2] << 8 | b[1] << 16 | b[0] << 24
      return Int(value)
    }
    let revision = word(4)
    guard revision >> 16 <= 1 else {
      throw fail("revision", "is \(revision >> 16).\(revision & 0xFFFF), expected major revision 0 or 1")
    }
    let count = word(8)
    let originals = word(12)
    let translations = word(16)
    for (name, table) in [("original", originals), ("translation", translations)] {
      guard table <= bytes.count, count <= (bytes.count - table) / 8 else {
        throw fail(
          "\(name) table",
          "of \(count) entries at offset \(table) runs past the end of the \(bytes.count)-byte file")
      }
    }
    func string(_ table: Int, _ index: Int, _ name: String) throws -> [String] {
      let length = word(table + 8 * index)
      let offset = word(table + 8 * index + 4)
      guard offset <= bytes.count, length < bytes.count - offset else {
        throw fail(
          "\(name) \(index)",
          "at offset \(offset) with \(length) bytes runs past the end of the \(bytes.count)-byte file")
      }
      guard bytes[offset + length] == 0 else {
        throw fail(
          "\(name) \(index)", "at offset \(offset) does not end with a NUL byte after \(length) bytes")
      }
      let slice = Array(bytes[offset..<(offset + length)])
      if let (bad, problem) = UTF8Text.firstInvalidSequence(in: slice, from: 0) {
        throw fail("\(name) \(index)", "byte \(offset + bad) is not valid UTF-8 (\(problem))")
      }
      return slice.split(separator: 0, omittingEmptySubsequences: false).map {
        String(decoding: $0, as: UTF8.self)
      }
    }
    var entries: [Entry] = []
    entries.reserveCapacity(count)
    for index in 0..<count {
      let original = try string(originals, index, "original")
      let translated = try string(translations, index, "translation")
      var source = original[0]
      var context: String? = nil
      if let separator = source.firstIndex(of: "\u{04}") {
        context = String(source[..<separator])
        source = String(source[source.index(after: separator)...])
      }
      entries.append(
        Entry(
          context: context, source: source, sourcePlural: original.count > 1 ? original[1] : nil,
          translations: translated))
    }
    self.entries = entries
  }

  /// The (original, translation) pairs that suit a translation corpus: singular entries
  /// (plural entries are left out — their forms need a number to choose between), with a
  /// non-empty translation, context dropped; the header entry (empty original) left out.
  public var singularPairs: [(source: String, target: String)] {
    entries.compactMap { entry in
      guard entry.sourcePlural == nil, !entry.source.isEmpty, let target = entry.translations.first,
        !target.isEmpty
      else { return nil }
      return (entry.source, target)
    }
  }
}
