/// How well one class is recognised, read off a confusion matrix's row.
public struct ClassAccuracy: Equatable, Sendable {
  public let label: Int
  /// Test samples whose true class is `label`.
  public let samples: Int
  /// Of those, how many were predicted as `label`.
  public let correct: Int
  /// correct / samples; nil when the class has no samples (no accuracy to speak of).
  public var accuracy: Double? { samples == 0 ? nil : Double(correct) / Double(samples) }
  /// The class this one is most often mistaken for and how often (ties: the lower label);
  /// nil when no sample of it was misclassified.
  public let mostConfusedWith: (label: Int, count: Int)?

  public static func == (a: ClassAccuracy, b: ClassAccuracy) -> Bool {
    a.label == b.label && a.samples == b.samples && a.correct == b.correct
      && a.mostConfusedWith?.label == b.mostConfusedWith?.label
      && a.mostConfusedWith?.count == b.mostConfusedWith?.count
  }

  /// One entry per row of `confusion` (confusion[true][predicted] = count, a square matrix as
  /// `EvaluationResult.confusion` holds it).
  public static func perClass(confusion: [[Int]]) -> [ClassAccuracy] {
    confusion.enumerated().map { label, row in
      var confused: (label: Int, count: Int)?
      for (predicted, count) in row.enumerated() where predicted != label && count > 0 {
        if count > (confused?.count ?? 0) { confused = (predicted, count) }
      }
      return ClassAccuracy(
        label: label, samples: row.reduce(0, +), correct: label < row.count ? row[label] : 0,
        mostConfusedWith: confused)
    }
  }
}
