import ConvNetTensor
import Foundation

/// How the columns of a table become a feature matrix and a target: numeric columns
/// standardised with the training rows' mean and standard deviation, categorical columns
/// one-hot — everything learned from the data recorded, so it can be stored with the weights
/// (`serialized()`, under `metadataKey`) and applied unchanged to new rows.
public struct TabularPreprocessing: Codable, Equatable, Sendable {
  /// The metadata key the preprocessing is stored under next to the weights.
  public static let metadataKey = "convnet.tabular"
  static let format = "convnet.tabular"

  /// One input column.
  public struct Feature: Codable, Equatable, Sendable {
    /// The column's header name.
    public var name: String
    /// "numeric" or "categorical".
    public var kind: Kind
    /// Numeric: the training rows' mean (0 when not standardised).
    public var mean: Double
    /// Numeric: the training rows' population standard deviation (1 when not standardised or
    /// when the column is constant, so the value passes through centred).
    public var standardDeviation: Double
    /// Categorical: every value of the column in the table, sorted; one indicator each (but the
    /// first when `dropFirst`).
    public var categories: [String]
    /// Categorical: the first category has no indicator (it is the baseline a linear model's
    /// intercept stands for; with all indicators the intercept would be redundant).
    public var dropFirst: Bool

    public enum Kind: String, Codable, Sendable { case numeric, categorical }

    /// The names of the matrix columns this feature writes ("age", "gender=male", …).
    public var outputNames: [String] {
      switch kind {
      case .numeric: return [name]
      case .categorical: return categories.dropFirst(dropFirst ? 1 : 0).map { "\(name)=\($0)" }
      }
    }
  }

  /// What is predicted.
  public enum Task: String, Codable, Sendable {
    /// A number (linear regression, MLP regression).
    case regression
    /// A class among `classNames` (logistic regression, classifiers).
    case classification
  }

  /// What to do with a missing value (an empty field, `NA`, `NaN` or `?`).
  public enum MissingValues: String, Codable, Sendable {
    /// Stop with an error naming the line and the column.
    case error
    /// Leave the row out (of fitting and of transforming).
    case dropRow
  }

  /// The choices `fit` makes from the data unless told.
  public struct Options: Sendable {
    /// Columns read as categories even when every value is a number (codes such as a judge's
    /// number).
    public var categorical: Set<String> = []
    /// Columns left out (row ids, columns that leak the target).
    public var ignored: Set<String> = []
    /// Regression or classification; nil: regression when the target column is all numbers.
    public var task: Task? = nil
    /// Subtract the mean and divide by the standard deviation of numeric features.
    public var standardize = true
    /// One indicator fewer per categorical feature (see `Feature.dropFirst`).
    public var dropFirstCategory = true
    public var missingValues = MissingValues.error

    public init() {}
  }

  public let format: String
  /// The target column's name.
  public let target: String
  public let task: Task
  /// Classification: the class names in label order (the target's values, sorted).
  public let classNames: [String]
  /// The input columns, in table order.
  public let features: [Feature]
  public let missingValues: MissingValues

  init(
    format: String, target: String, task: Task, classNames: [String], features: [Feature],
    missingValues: MissingValues
  ) {
    self.format = format
    self.target = target
    self.task = task
    self.classNames = classNames
    self.features = features
    self.missingValues = missingValues
  }

  /// The number of matrix columns.
  public var featureCount: Int { features.reduce(0) { $0 + $1.outputNames.count } }
  /// The matrix columns' names, in order.
  public var featureNames: [String] { features.flatMap(\.outputNames) }

  /// Learns the preprocessing of `table` for predicting `target`: every column but the target
  /// and the ignored ones is a feature; a column is numeric when all its values (in every
  /// row) are numbers, else categorical; categories and class names come from every row (they
  /// describe the columns), means and standard deviations from `trainingRows` only (so nothing
  /// of the validation rows leaks into training).
  /// - Throws: `DataError` naming the file, line and column of a missing value (with
  ///   `.error`) or a non-number in a regression target; a missing target column; no features.
  public static func fit(
    _ table: DelimitedTable, target: String, trainingRows: [Int], options: Options = Options()
  ) throws -> TabularPreprocessing {
    let targetIndex = try table.columnIndex(named: target, role: "target")
    for name in options.ignored.union(options.categorical).sorted() {
      _ = try table.columnIndex(named: name, role: name == target ? "target" : "named")
    }
    let used = table.header.indices.filter {
      !options.ignored.contains(table.header[$0]) || $0 == targetIndex
    }
    let usable = try usableRows(
      table, rows: Array(table.rows.indices), policy: options.missingValues, columns: used)
    let usableSet = Set(usable)
    let training = trainingRows.filter { usableSet.contains($0) }
    guard !training.isEmpty else {
      throw DataError(
        file: table.file, field: "rows",
        problem: "none left to fit on (every training row has a missing value)")
    }

    let targetValues = usable.map { table.rows[$0][targetIndex].trimmingCharacters(in: .whitespaces) }
    let targetIsNumeric = targetValues.allSatisfy { number($0) != nil }
    let task = options.task ?? (targetIsNumeric ? .regression : .classification)
    if task == .regression, let bad = usable.first(where: { number(table.rows[$0][targetIndex]) == nil }) {
      throw DataError(
        file: table.file, field: "line \(table.lineNumbers[bad]), column \(targetIndex + 1) (\(target))",
        problem: "is \"\(table.rows[bad][targetIndex])\", expected a number for a regression target")
    }
    let classNames = task == .classification ? sortedDistinct(targetValues) : []
    if task == .classification && classNames.count < 2 {
      throw DataError(
        file: table.file, field: "column \(targetIndex + 1) (\(target))",
        problem: "holds \(classNames.count) distinct value(s), expected at least 2 classes")
    }

    var features: [Feature] = []
    for (index, name) in table.header.enumerated()
    where index != targetIndex && !options.ignored.contains(name) {
      let values = usable.map { table.rows[$0][index].trimmingCharacters(in: .whitespaces) }
      if !options.categorical.contains(name) && values.allSatisfy({ number($0) != nil }) {
        var mean = 0.0
        var deviation = 1.0
        if options.standardize {
          let numbers = training.map { number(table.rows[$0][index])! }
          mean = numbers.reduce(0, +) / Double(numbers.count)
          let variance = numbers.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(numbers.count)
          deviation = variance > 0 ? variance.squareRoot() : 1
        }
        features.append(
          Feature(
            name: name, kind: .numeric, mean: mean, standardDeviation: deviation, categories: [],
            dropFirst: false))
      } else {
        features.append(
          Feature(
            name: name, kind: .categorical, mean: 0, standardDeviation: 1, categories: sortedDistinct(values),
            dropFirst: options.dropFirstCategory))
      }
    }
    let result = TabularPreprocessing(
      format: format, target: target, task: task, classNames: classNames, features: features,
      missingValues: options.missingValues)
    guard result.featureCount > 0 else {
      throw DataError(
        file: table.file, field: "header",
        problem: "leaves no feature column besides the target \"\(target)\"")
    }
    return result
  }

  /// Features (and targets, when the table has the target column) of `rows` of `table` — the
  /// training file or a new one with the same column names.
  /// - Throws: `DataError` naming the line and column of a missing feature column, a missing
  ///   value (with `.error`), a non-number in a numeric column, a category or class not seen
  ///   when fitting.
  public func transform(_ table: DelimitedTable, rows: [Int]) throws -> TabularData {
    let columns = try features.map { try table.columnIndex(named: $0.name, role: "feature") }
    let targetIndex = table.header.firstIndex(of: target)
    let kept = try Self.usableRows(
      table, rows: rows, policy: missingValues, columns: columns + (targetIndex.map { [$0] } ?? []))
    let width = featureCount
    var matrix = [Float](repeating: 0, count: kept.count * width)
    var targets: [Float] = []
    var labels: [Int] = []
    let classIndex = Dictionary(uniqueKeysWithValues: classNames.enumerated().map { ($1, $0) })
    for (r, row) in kept.enumerated() {
      let fields = table.rows[row]
      func location(_ column: Int) -> String {
        "line \(table.lineNumbers[row]), column \(column + 1) (\(table.header[column]))"
      }
      var offset = r * width
      for (feature, column) in zip(features, columns) {
        let value = fields[column].trimmingCharacters(in: .whitespaces)
        switch feature.kind {
        case .numeric:
          guard let x = Self.number(value) else {
            throw DataError(
              file: table.file, field: location(column), problem: "is \"\(value)\", expected a number")
          }
          matrix[offset] = Float((x - feature.mean) / feature.standardDeviation)
          offset += 1
        case .categorical:
          guard let k = feature.categories.firstIndex(of: value) else {
            throw DataError(
              file: table.file, field: location(column),
              problem:
                "is \"\(value)\", a category not seen when fitting ("
                + feature.categories.joined(separator: ", ") + ")"
            )
          }
          let first = feature.dropFirst ? 1 : 0
          if k >= first { matrix[offset + k - first] = 1 }
          offset += feature.categories.count - first
        }
      }
      if let targetIndex {
        let value = fields[targetIndex].trimmingCharacters(in: .whitespaces)
        switch task {
        case .regression:
          guard let y = Self.number(value) else {
            throw DataError(
              file: table.file, field: location(targetIndex), problem: "is \"\(value)\", expected a number")
          }
          targets.append(Float(y))
        case .classification:
          guard let label = classIndex[value] else {
            throw DataError(
              file: table.file, field: location(targetIndex),
              problem:
                "is \"\(value)\", a class not seen when fitting (\(classNames.joined(separator: ", ")))")
          }
          labels.append(label)
        }
      }
    }
    return TabularData(
      features: Tensor(shape: [kept.count, width], scalars: matrix),
      targets: targetIndex != nil && task == .regression
        ? Tensor(shape: [kept.count, 1], scalars: targets) : nil,
      labels: targetIndex != nil && task == .classification ? labels : nil, rows: kept)
  }

  /// The preprocessing as one line of JSON (keys sorted; numbers round-trip exactly).
  public func serialized() -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    // Cannot fail: strings, finite numbers and booleans.
    return String(decoding: try! encoder.encode(self), as: UTF8.self)
  }

  /// Reads what `serialized()` wrote.
  /// - Throws: `DataError` (file `source`) when the text is not such JSON or a numeric feature
  ///   has a standard deviation that is not a positive number.
  public init(serialized text: String, source: String = "tabular preprocessing") throws {
    let decoded: TabularPreprocessing
    do {
      decoded = try JSONDecoder().decode(TabularPreprocessing.self, from: Data(text.utf8))
    } catch {
      throw DataError(
        file: source, field: "tabular preprocessing",
        problem: "cannot be read (\(error)), expected what serialized() writes")
    }
    guard decoded.format == Self.format else {
      throw DataError(
        file: source, field: "tabular preprocessing format",
        problem: "is \"\(decoded.format)\", expected \"\(Self.format)\"")
    }
    for feature in decoded.features where feature.kind == .numeric {
      guard feature.standardDeviation > 0 && feature.standardDeviation.isFinite && feature.mean.isFinite
      else {
        throw DataError(
          file: source, field: "feature \"\(feature.name)\"",
          problem:
            "has mean \(feature.mean) and standard deviation \(feature.standardDeviation), "
            + "expected finite numbers, the deviation positive"
        )
      }
    }
    self = decoded
  }

  /// A finite number, or nil.
  static func number(_ text: String) -> Double? {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    guard let value = Double(trimmed), value.isFinite else { return nil }
    return value
  }

  static let missingMarkers: Set<String> = ["", "NA", "N/A", "NaN", "nan", "?"]

  /// `rows` without those that have a missing value in `columns` (all columns by default),
  /// or an error at the first missing value when the policy is `.error`.
  static func usableRows(
    _ table: DelimitedTable, rows: [Int], policy: MissingValues, columns: [Int]? = nil
  ) throws -> [Int] {
    let columns = columns ?? Array(table.header.indices)
    return try rows.filter { row in
      for column in columns {
        let value = table.rows[row][column].trimmingCharacters(in: .whitespaces)
        guard missingMarkers.contains(value) else { continue }
        if policy == .dropRow { return false }
        throw DataError(
          file: table.file,
          field: "line \(table.lineNumbers[row]), column \(column + 1) (\(table.header[column]))",
          problem: "is missing (\(value.isEmpty ? "empty" : "\"\(value)\"")), expected a value; "
            + "fill it in, or drop rows with missing values")
      }
      return true
    }
  }

  static func sortedDistinct(_ values: [String]) -> [String] {
    Set(values).sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
  }
}

/// Rows of a table as a model's input.
public struct TabularData: Sendable {
  /// [rows, featureCount].
  public let features: Tensor
  /// Regression: [rows, 1] target values as in the file (not standardised); nil for
  /// classification or a table without the target column.
  public let targets: Tensor?
  /// Classification: class indices into `classNames`; nil otherwise.
  public let labels: [Int]?
  /// The table rows (0-based, header excluded) the matrix rows come from.
  public let rows: [Int]
}
