import Foundation

/// A language model's perplexity: exp(mean cross-entropy per token, in nats) — the number of
/// equally likely tokens the model is as unsure as; a uniform guess over V tokens gives V.
public enum Perplexity {
  /// exp(`meanCrossEntropy`).
  /// - Throws: `MetricError` when the loss is negative or not finite.
  public static func fromMeanCrossEntropy(_ meanCrossEntropy: Double) throws -> Double {
    guard meanCrossEntropy.isFinite && meanCrossEntropy >= 0 else {
      throw MetricError(
        metric: "perplexity",
        problem: "mean cross-entropy \(meanCrossEntropy), expected a finite number ≥ 0")
    }
    return exp(meanCrossEntropy)
  }

  /// exp(total / tokens): for losses summed over batches of different sizes, so every token
  /// counts once.
  public static func fromTotalCrossEntropy(_ total: Double, tokenCount: Int) throws -> Double {
    guard tokenCount > 0 else {
      throw MetricError(metric: "perplexity", problem: "no tokens, expected at least one")
    }
    return try fromMeanCrossEntropy(total / Double(tokenCount))
  }
}
