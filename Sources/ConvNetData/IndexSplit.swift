import ConvNetTensor

/// Reproducible train/validation splits of sample indices, for any dataset that can list its
/// samples' labels (or just count them).
public enum IndexSplit {
  /// About `validationFraction` of every class held out: the algorithm of
  /// `LabeledImageDataset.stratifiedSplit` (per class in label order, its members shuffled by
  /// one generator seeded with `seed`, the first round(fraction · n_k) held out, never all of a
  /// class with two or more members), so equal labels and seeds give equal splits. Both
  /// halves keep dataset order.
  /// - Throws: `DataError` when the fraction is not in (0, 1) or a label is out of range.
  public static func stratified(labels: [Int], classCount: Int, validationFraction: Double, seed: UInt64)
    throws -> (train: [Int], validation: [Int])
  {
    try checkFraction(validationFraction)
    var byClass = [[Int]](repeating: [], count: classCount)
    for (index, label) in labels.enumerated() {
      guard label >= 0 && label < classCount else {
        throw DataError(
          file: "split", field: "label of sample \(index)",
          problem: "is \(label), expected 0…\(classCount - 1)")
      }
      byClass[label].append(index)
    }
    var generator = SeededGenerator(seed: seed)
    var held = [Bool](repeating: false, count: labels.count)
    for members in byClass where !members.isEmpty {
      var take = Int((validationFraction * Double(members.count)).rounded())
      if members.count >= 2 { take = min(take, members.count - 1) }
      let order = SeededPermutation.permutation(count: members.count, using: &generator)
      for k in order.prefix(take) { held[members[k]] = true }
    }
    return ((0..<labels.count).filter { !held[$0] }, (0..<labels.count).filter { held[$0] })
  }

  /// round(fraction · count) samples, chosen by a permutation seeded with `seed`, held out
  /// (at least one sample stays in training). Both halves keep dataset order.
  /// - Throws: `DataError` when the fraction is not in (0, 1).
  public static func random(count: Int, validationFraction: Double, seed: UInt64) throws
    -> (train: [Int], validation: [Int])
  {
    try checkFraction(validationFraction)
    var generator = SeededGenerator(seed: seed)
    let order = SeededPermutation.permutation(count: count, using: &generator)
    let take = min(Int((validationFraction * Double(count)).rounded()), max(0, count - 1))
    var held = [Bool](repeating: false, count: count)
    for index in order.prefix(take) { held[index] = true }
    return ((0..<count).filter { !held[$0] }, (0..<count).filter { held[$0] })
  }

  static func checkFraction(_ fraction: Double) throws {
    guard fraction > 0 && fraction < 1 else {
      throw DataError(
        file: "split", field: "validation fraction",
        problem: "is \(fraction), expected a number between 0 and 1")
    }
  }
}
