/// Checks of values handed to an explanation through the library API (the text parser already
/// guarantees them): matrices must be non-empty and rectangular, and planes of one size.
enum ValueShapeCheck {
  /// Throws unless `planes` is at least one non-empty matrix and all are of one rectangular size.
  static func planes(_ planes: [[[Float]]], field: ExplainError.Field) throws {
    guard let first = planes.first, let width = first.first?.count, width > 0 else {
      throw ExplainError(field, "expected at least one non-empty matrix")
    }
    for (index, plane) in planes.enumerated() {
      if plane.count != first.count || plane.contains(where: { $0.count != width }) {
        throw ExplainError(
          field,
          "matrix \(index) is not \(NumberText.size(first.count, width)) like matrix 0 (every row "
            + "must have \(width) numbers)")
      }
    }
  }

  /// Throws unless every filter passes `planes` and all filters are of one shape.
  static func filters(_ filters: [[[[Float]]]], field: ExplainError.Field) throws {
    guard let first = filters.first else { throw ExplainError(field, "expected at least one filter") }
    try planes(first, field: field)
    for (index, filter) in filters.enumerated() {
      try planes(filter, field: field)
      if filter.count != first.count || filter[0].count != first[0].count
        || filter[0][0].count != first[0][0].count
      {
        throw ExplainError(field, "filter \(index) differs in shape from filter 0")
      }
    }
  }
}
