import Foundation

/// Reads small tensors typed on a command line: numbers separated by white space (line breaks
/// included, so a pasted block works) or commas, matrix
/// rows by ";", channels by "|" and filters by "/".
///
///     "0 1 1; 0 2 2"                 one channel, 2×3
///     "1 1; 1 1 | 0 1; 2 2"          two channels, 2×2 each
///     "1 0; 0 1 | 1 1; 0 0 / 0 0; 1 1 | 2 2; 2 2"    two filters of two channels
///
/// The minus sign may be "-" or the typographic "−" (as the course writes it).
public enum NumberGridParser {
  /// One matrix, `[row][column]`.
  public static func matrix(_ text: String, field: ExplainError.Field) throws -> [[Float]] {
    let channels = try planes(text, field: field)
    guard channels.count == 1 else {
      throw ExplainError(
        field, "expected one matrix (rows separated by \";\"), got \(channels.count) channels")
    }
    return channels[0]
  }

  /// Channels of equal-sized matrices, `[channel][row][column]`.
  public static func planes(_ text: String, field: ExplainError.Field) throws -> [[[Float]]] {
    let channels = try text.split(separator: "|", omittingEmptySubsequences: false).enumerated()
      .map { index, channel in try matrixText(String(channel), field: field, channel: index) }
    let (rows, columns) = (channels[0].count, channels[0][0].count)
    for (index, channel) in channels.enumerated().dropFirst()
    where channel.count != rows || channel[0].count != columns {
      throw ExplainError(
        field,
        "channel \(index) is \(channel.count)×\(channel[0].count), expected \(rows)×\(columns) like channel 0"
      )
    }
    return channels
  }

  /// Filters of channels of matrices, `[filter][channel][row][column]`.
  public static func filters(_ text: String, field: ExplainError.Field) throws -> [[[[Float]]]] {
    let filters = try text.split(separator: "/", omittingEmptySubsequences: false).map {
      try planes(String($0), field: field)
    }
    let first = filters[0]
    for (index, filter) in filters.enumerated().dropFirst()
    where filter.count != first.count || filter[0].count != first[0].count
      || filter[0][0].count != first[0][0].count
    {
      throw ExplainError(
        field,
        "filter \(index) is \(filter.count) channel(s) of \(filter[0].count)×\(filter[0][0].count), "
          + "expected \(first.count) of \(first[0].count)×\(first[0][0].count) like filter 0")
    }
    return filters
  }

  /// A flat list, "1, 0" or "1 0".
  public static func list(_ text: String, field: ExplainError.Field) throws -> [Float] {
    let values = try numbers(text, field: field, place: "")
    guard !values.isEmpty else { throw ExplainError(field, "expected at least one number") }
    return values
  }

  private static func matrixText(_ text: String, field: ExplainError.Field, channel: Int) throws
    -> [[Float]]
  {
    let rows = try text.split(separator: ";", omittingEmptySubsequences: false).enumerated().map {
      row, line in try numbers(String(line), field: field, place: " in channel \(channel), row \(row)")
    }
    guard let width = rows.first?.count, width > 0 else {
      throw ExplainError(
        field, "channel \(channel) has an empty first row; expected numbers like \"0 1; 1 0\"")
    }
    for (index, row) in rows.enumerated() where row.count != width {
      throw ExplainError(
        field, "channel \(channel), row \(index) has \(row.count) numbers, expected \(width) like row 0")
    }
    return rows
  }

  private static func numbers(_ text: String, field: ExplainError.Field, place: String) throws
    -> [Float]
  {
    let normalised = text.replacingOccurrences(of: "−", with: "-")
    return try normalised.split(whereSeparator: { $0.isWhitespace || $0 == "," }).map { token in
      guard let value = Float(token), value.isFinite else {
        throw ExplainError(field, "\"\(token)\"\(place) is not a number")
      }
      return value
    }
  }
}
