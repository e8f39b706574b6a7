import Foundation

/// Texts with a class each, e.g. product reviews labelled pos / neg.
public struct LabeledTextDataset: Sendable {
  /// A short name, e.g. the file's name.
  public var name: String
  /// The texts.
  public let texts: [String]
  /// Each text's class, an index into `classNames`.
  public let labels: [Int]
  /// The class names in label order (sorted in code-point order when read from a file, so
  /// the same file gives the same numbering everywhere).
  public let classNames: [String]

  public init(name: String, texts: [String], labels: [Int], classNames: [String]) {
    precondition(
      texts.count == labels.count, "LabeledTextDataset: \(texts.count) texts, \(labels.count) labels")
    precondition(
      labels.allSatisfy { $0 >= 0 && $0 < classNames.count }, "LabeledTextDataset: label out of range")
    self.name = name
    self.texts = texts
    self.labels = labels
    self.classNames = classNames
  }

  public var count: Int { texts.count }
  public var classCount: Int { classNames.count }

  /// Reads a CSV/TSV with a header: the text and the label are the columns with those names;
  /// other columns are ignored. Labels are names (`pos`, `neg`, `0`, `1` …): the classes are
  /// the distinct names, sorted.
  /// - Throws: `DataError` for an unreadable table (see `DelimitedTable`), a missing column,
  ///   an empty text or label (naming the line and column), or fewer than two classes.
  public static func read(
    contentsOf url: URL, textColumn: String = "text", labelColumn: String = "label",
    dialect: DelimitedTable.Dialect? = nil
  ) throws -> LabeledTextDataset {
    let table = try DelimitedTable.read(contentsOf: url, dialect: dialect)
    let textIndex = try table.columnIndex(named: textColumn, role: "text")
    let labelIndex = try table.columnIndex(named: labelColumn, role: "label")
    var texts: [String] = []
    var names: [String] = []
    texts.reserveCapacity(table.rows.count)
    for (row, fields) in table.rows.enumerated() {
      let text = fields[textIndex].trimmingCharacters(in: .whitespaces)
      let label = fields[labelIndex].trimmingCharacters(in: .whitespaces)
      for (value, index) in [(text, textIndex), (label, labelIndex)] where value.isEmpty {
        throw DataError(
          file: table.file,
          field: "line \(table.lineNumbers[row]), column \(index + 1) (\(table.header[index]))",
          problem: "is empty, expected a \(index == textIndex ? "text" : "label")")
      }
      texts.append(text)
      names.append(label)
    }
    let classNames = Set(names).sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
    guard classNames.count >= 2 else {
      throw DataError(
        file: table.file, field: "column \(labelIndex + 1) (\(labelColumn))",
        problem:
          "holds \(classNames.count) distinct label(s) in \(texts.count) rows, expected at least 2 classes")
    }
    let index = Dictionary(uniqueKeysWithValues: classNames.enumerated().map { ($1, $0) })
    return LabeledTextDataset(
      name: url.deletingPathExtension().lastPathComponent, texts: texts, labels: names.map { index[$0]! },
      classNames: classNames)
  }

  /// The samples at `indices`, in that order.
  public func subset(_ indices: [Int]) -> LabeledTextDataset {
    LabeledTextDataset(
      name: "\(name) (\(indices.count) of \(count))", texts: indices.map { texts[$0] },
      labels: indices.map { labels[$0] }, classNames: classNames)
  }

  /// A reproducible stratified split: about `validationFraction` of every class is held out
  /// (`IndexSplit.stratified`).
  public func stratifiedSplit(validationFraction: Double, seed: UInt64) throws
    -> (train: LabeledTextDataset, validation: LabeledTextDataset)
  {
    let split = try IndexSplit.stratified(
      labels: labels, classCount: classCount, validationFraction: validationFraction, seed: seed)
    return (subset(split.train), subset(split.validation))
  }
}
