/// Metrics of a classifier's outputs.
public enum ClassificationMetrics {
  /// The fraction of predictions equal to their label.
  /// - Throws: `MetricError` when the counts differ or are zero.
  public static func accuracy(predictions: [Int], labels: [Int]) throws -> Double {
    try MetricError.checkCounts("accuracy", predictions.count, "predictions", labels.count, "labels")
    return Double(zip(predictions, labels).filter { $0 == $1 }.count) / Double(labels.count)
  }

  /// The area under the ROC curve of a binary classifier's scores: the probability that a
  /// random positive scores above a random negative, ties counting one half (the
  /// Mann–Whitney U statistic: ranks with ties given their average rank,
  /// AUC = (R₊ − n₊(n₊+1)/2) / (n₊·n₋)). Equals sklearn's `roc_auc_score`.
  /// - Parameters:
  ///   - scores: higher means "more likely positive" (a probability, a logit, …).
  ///   - positives: each sample's true class.
  /// - Throws: `MetricError` when the counts differ, a score is NaN, or one class is absent.
  public static func rocAUC(scores: [Double], positives: [Bool]) throws -> Double {
    try MetricError.checkCounts("ROC AUC", scores.count, "scores", positives.count, "labels")
    guard !scores.contains(where: \.isNaN) else {
      throw MetricError(metric: "ROC AUC", problem: "a score is NaN")
    }
    let positiveCount = positives.filter { $0 }.count
    let negativeCount = positives.count - positiveCount
    guard positiveCount > 0 && negativeCount > 0 else {
      throw MetricError(
        metric: "ROC AUC",
        problem: "\(positiveCount) positive and \(negativeCount) negative samples, expected both classes")
    }
    let order = scores.indices.sorted { scores[$0] < scores[$1] }
    var positiveRankSum = 0.0
    var start = 0
    while start < order.count {
      var end = start + 1
      while end < order.count && scores[order[end]] == scores[order[start]] { end += 1 }
      // Ranks start+1 … end share their average.
      let averageRank = Double(start + 1 + end) / 2
      for k in start..<end where positives[order[k]] { positiveRankSum += averageRank }
      start = end
    }
    let p = Double(positiveCount)
    return (positiveRankSum - p * (p + 1) / 2) / (p * Double(negativeCount))
  }
}
