import Foundation

/// Sentence pairs for translation: a source text and its target-language text.
public struct ParallelTextDataset: Sendable {
  /// A short name.
  public var name: String
  /// The pairs, in file order.
  public let pairs: [(source: String, target: String)]

  public init(name: String, pairs: [(source: String, target: String)]) {
    self.name = name
    self.pairs = pairs
  }

  public var count: Int { pairs.count }
  public var sources: [String] { pairs.map(\.source) }
  public var targets: [String] { pairs.map(\.target) }

  /// Reads a tab-separated file without a header: each non-blank line is
  /// `source<TAB>target`, and further fields (an attribution, as in Tatoeba/Anki's
  /// `cmn.txt`) are ignored. No quoting: a quote is an ordinary character.
  /// - Throws: `DataError` for a file that is not UTF-8, a line with no tab or an empty side
  ///   (naming the line), or a file without pairs.
  public static func readTSV(contentsOf url: URL) throws -> ParallelTextDataset {
    let text = try UTF8Text.read(contentsOf: url)
    var pairs: [(source: String, target: String)] = []
    for (index, rawLine) in text.split(
      omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }
    ).enumerated() {
      let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
      if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
      guard fields.count >= 2 else {
        throw DataError(
          file: url.path, field: "line \(index + 1)", problem: "has no tab, expected source<TAB>target")
      }
      let source = fields[0].trimmingCharacters(in: .whitespaces)
      let target = fields[1].trimmingCharacters(in: .whitespaces)
      guard !source.isEmpty && !target.isEmpty else {
        throw DataError(
          file: url.path, field: "line \(index + 1)",
          problem:
            "has an empty \(source.isEmpty ? "source (field 1)" : "target (field 2)"), "
            + "expected text on both sides"
        )
      }
      pairs.append((source, target))
    }
    guard !pairs.isEmpty else {
      throw DataError(
        file: url.path, field: "text", problem: "has no lines, expected source<TAB>target pairs")
    }
    return ParallelTextDataset(name: url.deletingPathExtension().lastPathComponent, pairs: pairs)
  }

  /// The interface strings of gettext catalogues as a parallel corpus (original → translation),
  /// e.g. English → Chinese from every `*.mo` in `/usr/share/locale/zh_CN/LC_MESSAGES`.
  ///
  /// Takes each catalogue's `singularPairs` (no header, no plural entries; context dropped),
  /// in file-name order; white space runs (line breaks, tabs) become single spaces; keeps the
  /// pairs whose source has at most `maximumSourceWords` space-separated words; drops exact
  /// repeats of a pair (the same string translated the same way in several programs).
  /// - Throws: `DataError` when the folder holds no `.mo` file or a catalogue is malformed.
  public static func gettextCatalogues(in directory: URL, maximumSourceWords: Int = 8) throws
    -> ParallelTextDataset
  {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    let catalogues = names.filter { $0.hasSuffix(".mo") }.sorted()
    guard !catalogues.isEmpty else {
      throw DataError(
        file: directory.path, field: "folder",
        problem: "holds no .mo file, expected gettext catalogues (e.g. /usr/share/locale/zh_CN/LC_MESSAGES)")
    }
    var seen = Set<String>()
    var pairs: [(source: String, target: String)] = []
    for name in catalogues {
      let catalogue = try GettextCatalog(contentsOf: directory.appendingPathComponent(name))
      for (source, target) in catalogue.singularPairs {
        let cleanSource = collapsingWhiteSpace(source)
        let cleanTarget = collapsingWhiteSpace(target)
        let words = cleanSource.split(separator: " ").count
        guard words >= 1 && words <= maximumSourceWords && !cleanTarget.isEmpty else { continue }
        guard seen.insert(cleanSource + "\t" + cleanTarget).inserted else { continue }
        pairs.append((cleanSource, cleanTarget))
      }
    }
    return ParallelTextDataset(name: directory.lastPathComponent, pairs: pairs)
  }

  /// The pairs at `indices`, in that order.
  public func subset(_ indices: [Int]) -> ParallelTextDataset {
    ParallelTextDataset(name: "\(name) (\(indices.count) of \(count))", pairs: indices.map { pairs[$0] })
  }

  /// A reproducible random split (`IndexSplit.random`).
  public func randomSplit(validationFraction: Double, seed: UInt64) throws
    -> (train: ParallelTextDataset, validation: ParallelTextDataset)
  {
    let split = try IndexSplit.random(count: count, validationFraction: validationFraction, seed: seed)
    return (subset(split.train), subset(split.validation))
  }

  static func collapsingWhiteSpace(_ text: String) -> String {
    text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
  }
}
