import Foundation

/// The exact least-squares solution of A·β ≈ y, by Householder QR in double precision.
///
/// QR rather than the normal equations (AᵀA)β = Aᵀy: forming AᵀA squares the condition
/// number, QR does not, so collinear-ish features (one-hot columns, correlated measurements)
/// keep their digits.
public enum LeastSquares {
  /// β minimising ‖A·β − y‖². `matrix` is row-major [rows, columns].
  /// - Throws: `TableFitError` when there are fewer rows than columns or the columns are
  ///   linearly dependent (the minimiser is not unique).
  public static func solve(matrix: [Double], rows: Int, columns: Int, targets: [Double]) throws -> [Double] {
    guard rows >= columns else {
      throw TableFitError("least squares: \(rows) rows cannot determine \(columns) coefficients")
    }
    var a = matrix  // becomes R (upper part) while the reflections are applied
    var b = targets
    var largestDiagonal = 0.0
    for k in 0..<columns {
      // Householder vector v for column k below the diagonal: H = I − 2vvᵀ/(vᵀv).
      var norm = 0.0
      for i in k..<rows { norm += a[i * columns + k] * a[i * columns + k] }
      norm = norm.squareRoot()
      if norm == 0 { throw dependent(column: k) }
      let alpha = a[k * columns + k] > 0 ? -norm : norm
      var v = [Double](repeating: 0, count: rows - k)
      for i in k..<rows { v[i - k] = a[i * columns + k] }
      v[0] -= alpha
      let vv = v.reduce(0) { $0 + $1 * $1 }
      if vv > 0 {
        for j in k..<columns {
          var dot = 0.0
          for i in k..<rows { dot += v[i - k] * a[i * columns + j] }
          let scale = 2 * dot / vv
          for i in k..<rows { a[i * columns + j] -= scale * v[i - k] }
        }
        var dot = 0.0
        for i in k..<rows { dot += v[i - k] * b[i] }
        let scale = 2 * dot / vv
        for i in k..<rows { b[i] -= scale * v[i - k] }
      }
      largestDiagonal = max(largestDiagonal, abs(a[k * columns + k]))
    }
    // Back substitution R·β = (Qᵀy)[0..<columns].
    var beta = [Double](repeating: 0, count: columns)
    for k in stride(from: columns - 1, through: 0, by: -1) {
      let diagonal = a[k * columns + k]
      if abs(diagonal) <= 1e-10 * largestDiagonal { throw dependent(column: k) }
      var sum = b[k]
      for j in (k + 1)..<columns { sum -= a[k * columns + j] * beta[j] }
      beta[k] = sum / diagonal
    }
    return beta
  }

  static func dependent(column: Int) -> TableFitError {
    TableFitError(
      "least squares: column \(column + 1) of the design matrix is a combination of the others "
        + "(collinear features); the coefficients are not unique")
  }
}

/// A table model that cannot be fitted or used as asked.
public struct TableFitError: Error, Equatable, CustomStringConvertible, Sendable {
  public let description: String
  public init(_ description: String) { self.description = description }
}
