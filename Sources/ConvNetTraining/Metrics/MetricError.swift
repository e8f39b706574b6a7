/// Inputs a metric cannot be computed from, e.g. predictions and targets of different counts.
public struct MetricError: Error, Equatable, CustomStringConvertible, Sendable {
  /// The metric: "RMSE", "ROC AUC", "BLEU", …
  public var metric: String
  /// What is wrong and what was expected.
  public var problem: String

  public init(metric: String, problem: String) {
    self.metric = metric
    self.problem = problem
  }

  public var description: String { "\(metric): \(problem)" }

  static func checkCounts(_ metric: String, _ a: Int, _ aName: String, _ b: Int, _ bName: String) throws {
    guard a == b else {
      throw MetricError(metric: metric, problem: "\(a) \(aName) but \(b) \(bName), expected as many of each")
    }
    guard a > 0 else { throw MetricError(metric: metric, problem: "no \(aName), expected at least one") }
  }
}
