/// A source of labelled images the `DataLoader` can batch: anything that can say how many
/// samples it has and write sample `i` as floats. In-memory IDX data (`ImageClassificationDataset`)
/// is one; CIFAR batches, image folders or CSV files can be others.
public protocol LabeledImageDataset: Sendable {
  /// A short human-readable name, e.g. "mnist train".
  var name: String { get }
  /// The number of samples.
  var count: Int { get }
  /// The shape of one image: [channels, height, width].
  var sampleShape: [Int] { get }
  /// Labels are 0 ..< classCount.
  var classCount: Int { get }
  /// The label of sample `index`.
  func label(at index: Int) -> Int
  /// Writes sample `index` — channels · height · width floats, CHW order — to `destination`,
  /// converting pixels with `transform`. Must be safe to call from several threads at once.
  func writeImage(
    at index: Int, into destination: UnsafeMutablePointer<Float>, transform: PixelTransform)
}

extension LabeledImageDataset {
  /// channels · height · width.
  public var sampleElementCount: Int { sampleShape.reduce(1, *) }

  /// How many samples carry each label: element k counts label k.
  public func labelCounts() -> [Int] {
    var counts = [Int](repeating: 0, count: classCount)
    for i in 0..<count { counts[label(at: i)] += 1 }
    return counts
  }

  /// The samples at `indices`, in that order (indices may repeat).
  public func subset(_ indices: [Int]) -> DatasetSubset<Self> {
    DatasetSubset(base: self, indices: indices)
  }

  /// The samples in `range`.
  public func subset(_ range: Range<Int>) -> DatasetSubset<Self> {
    DatasetSubset(base: self, indices: Array(range))
  }

  /// The first `maximumCount` samples (all of them if there are fewer).
  public func prefix(_ maximumCount: Int) -> DatasetSubset<Self> {
    precondition(maximumCount >= 0, "prefix: negative count \(maximumCount)")
    return subset(0..<min(maximumCount, count))
  }
}

/// A view of some samples of another dataset, by index; no pixels are copied.
public struct DatasetSubset<Base: LabeledImageDataset>: LabeledImageDataset {
  public let base: Base
  /// Indices into `base`, in the order this subset presents them.
  public let indices: [Int]

  public init(base: Base, indices: [Int]) {
    for index in indices {
      precondition(
        index >= 0 && index < base.count,
        "DatasetSubset: index \(index) out of range for \(base.name) with \(base.count) samples")
    }
    self.base = base
    self.indices = indices
  }

  public var name: String { "\(base.name) (\(indices.count) of \(base.count))" }
  public var count: Int { indices.count }
  public var sampleShape: [Int] { base.sampleShape }
  public var classCount: Int { base.classCount }
  public func label(at index: Int) -> Int { base.label(at: indices[index]) }
  public func writeImage(
    at index: Int, into destination: UnsafeMutablePointer<Float>, transform: PixelTransform
  ) {
    base.writeImage(at: indices[index], into: destination, transform: transform)
  }
}
