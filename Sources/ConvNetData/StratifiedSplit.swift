import ConvNetBase

extension LabeledImageDataset {
  /// Holds out about `validationFraction` of every class as a validation set, reproducibly.
  ///
  /// Stratified: for each class k (in label order) its n_k sample indices, in dataset order, are
  /// shuffled with one generator seeded by `seed` (see `SeededPermutation`), and the first
  /// round(fraction · n_k) of them go to validation — but never all of a class with two or
  /// more samples, so training still sees every such class. Both halves keep dataset order.
  /// The same seed and dataset always give the same split.
  ///
  /// - Parameter validationFraction: in (0, 1).
  public func stratifiedSplit(validationFraction: Double, seed: UInt64)
    -> (train: DatasetSubset<Self>, validation: DatasetSubset<Self>)
  {
    precondition(
      validationFraction > 0 && validationFraction < 1,
      "stratifiedSplit: the fraction must be in (0, 1), got \(validationFraction)")
    var byClass = [[Int]](repeating: [], count: classCount)
    for index in 0..<count { byClass[label(at: index)].append(index) }
    var generator = SeededGenerator(seed: seed)
    var held = [Bool](repeating: false, count: count)
    for members in byClass where !members.isEmpty {
      var take = Int((validationFraction * Double(members.count)).rounded())
      if members.count >= 2 { take = min(take, members.count - 1) }
      let order = SeededPermutation.permutation(count: members.count, using: &generator)
      for k in order.prefix(take) { held[members[k]] = true }
    }
    let validation = (0..<count).filter { held[$0] }
    let train = (0..<count).filter { !held[$0] }
    return (subset(train), subset(validation))
  }
}
