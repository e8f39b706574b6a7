/// How far a regression's predictions are from the targets.
public struct RegressionMetrics: Equatable, Sendable {
  /// Root mean squared error: √(Σ(ŷ−y)²/n), in the target's unit.
  public let rootMeanSquaredError: Double
  /// Mean absolute error: Σ|ŷ−y|/n.
  public let meanAbsoluteError: Double
  /// Coefficient of determination: 1 − Σ(ŷ−y)² / Σ(y−ȳ)² (1 is perfect, 0 is no better than
  /// predicting the mean, negative is worse); nil when every target is the same (Σ(y−ȳ)² = 0).
  public let rSquared: Double?
  /// n.
  public let count: Int

  /// - Throws: `MetricError` when the counts differ or are zero, or a value is not finite.
  public init(predictions: [Double], targets: [Double]) throws {
    try MetricError.checkCounts(
      "regression metrics", predictions.count, "predictions", targets.count, "targets")
    guard predictions.allSatisfy(\.isFinite) && targets.allSatisfy(\.isFinite) else {
      throw MetricError(
        metric: "regression metrics", problem: "a prediction or target is not a finite number")
    }
    let n = Double(targets.count)
    var squared = 0.0
    var absolute = 0.0
    for (p, y) in zip(predictions, targets) {
      squared += (p - y) * (p - y)
      absolute += abs(p - y)
    }
    let mean = targets.reduce(0, +) / n
    let total = targets.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
    rootMeanSquaredError = (squared / n).squareRoot()
    meanAbsoluteError = absolute / n
    rSquared = total > 0 ? 1 - squared / total : nil
    count = targets.count
  }
}
