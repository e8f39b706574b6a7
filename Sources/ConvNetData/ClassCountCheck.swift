/// The guard against a class count read from labels that is far above the labels present: one
/// stray label (a byte of 250 among MNIST's digits, a CSV value of 10,000,000) would otherwise
/// become a network with that many outputs — a silent 251-class model, or an 850-million-
/// parameter one that exhausts memory.
enum ClassCountCheck {
  /// Throws when numbering classes up to the largest label would leave more than half of them,
  /// and more than 10, without any sample.
  /// - Parameters:
  ///   - labels: the labels, all ≥ 0.
  ///   - file: the full path of the file, for the error.
  ///   - position: where label `k` is in the file, e.g. "line 7, column 1 (label)".
  static func check(_ labels: [Int32], file: String, position: (Int) -> String) throws {
    guard let largest = labels.max() else { return }
    let classes = Int(largest) + 1
    let distinct = Set(labels)
    let empty = classes - distinct.count
    guard empty > max(10, distinct.count) else { return }
    let where_ = labels.firstIndex(of: largest) ?? 0
    let listed = distinct.sorted().prefix(6).map(String.init).joined(separator: ", ")
    throw DataError(
      file: file, field: position(where_),
      problem: "is \(largest), but only \(distinct.count) distinct labels occur (\(listed)"
        + (distinct.count > 6 ? ", …" : "") + "): classes numbered up to it would be \(classes), "
        + "\(empty) of them without a sample; expected labels 0…N−1 for N classes")
  }
}
