import ConvNetBase
import ConvNetImage
import ConvNetTensor

/// One mini-batch: images as a float tensor and their labels.
public struct Batch: Sendable {
  /// [B, C, H, W], pixels converted by the loader's `PixelTransform`.
  public var images: Tensor
  /// B labels, in 0 ..< classCount.
  public var labels: [Int]
  /// The dataset index of each sample in the batch.
  public var indices: [Int]

  /// B, the number of samples.
  public var count: Int { labels.count }
}

/// Cuts a dataset into mini-batches, optionally reshuffled and augmented every epoch.
///
/// Epoch `e` visits the samples in `order(epoch: e)`: file order when `shuffle` is false,
/// otherwise a permutation determined by `seed` and `e` alone (see `SeededPermutation`).
/// The last batch is smaller when the batch size does not divide the sample count, unless
/// `dropLast` is set.
///
/// With an `augmentation` pipeline every sample is turned into an `Image` (values in [0, 1]),
/// passed through the pipeline, then converted by `transform`. The random choices for the
/// sample at position p of epoch e come from a generator seeded by (seed, e, p) alone, so a
/// seed reproduces the same augmented batches whatever the batch size or thread count.
/// Augmentation is meant for training loaders; leave it nil for evaluation.
///
/// Iterating `batches(epoch:)` builds the next `prefetchDepth` batches on a background thread
/// while the caller works on the current one (see `EpochBatches`).
public struct DataLoader: Sendable {
  public let dataset: any LabeledImageDataset
  public let batchSize: Int
  public let shuffle: Bool
  public let dropLast: Bool
  public let seed: UInt64
  public let transform: PixelTransform
  /// Per-sample random augmentation, or nil for none.
  public let augmentation: TransformPipeline?
  /// How many finished batches a background thread may hold ready ahead of the one being
  /// used; 0 builds every batch on the iterating thread. The batches are the same either way.
  public var prefetchDepth: Int = 2
  /// In data-parallel training, the part of every batch this process takes (`batchSize` stays
  /// the global batch, `batchCount` the global count); `.whole` alone.
  public var shard = DataShard.whole

  /// - Parameters:
  ///   - batchSize: samples per batch (≥ 1).
  ///   - shuffle: reshuffle every epoch; false keeps the dataset order.
  ///   - dropLast: leave out a final batch smaller than `batchSize`.
  ///   - seed: the shuffle seed (and augmentation seed, see the throwing initialiser).
  ///   - transform: how pixels become floats; the default maps 0…255 to 0…1.
  public init(
    dataset: any LabeledImageDataset, batchSize: Int, shuffle: Bool = true,
    dropLast: Bool = false, seed: UInt64 = 0, transform: PixelTransform = .unitRange
  ) {
    self.init(
      checkedDataset: dataset, batchSize: batchSize, shuffle: shuffle, dropLast: dropLast,
      seed: seed, transform: transform, augmentation: nil)
  }

  /// A loader that augments every sample with `augmentation` (nil or empty: none).
  ///
  /// The pipeline must accept the dataset's channel count and give back images of the
  /// dataset's sample shape (e.g. `crop:32:4,flip-h` on 32 × 32 CIFAR images), so that the
  /// samples fit the batch tensor; this is checked here by running it once on a blank image.
  /// - Throws: `ImageTransformError` when the pipeline does not fit the channels, or
  ///   `DataError` when it changes the sample shape or the dataset has more than 4 channels.
  public init(
    dataset: any LabeledImageDataset, batchSize: Int, shuffle: Bool = true,
    dropLast: Bool = false, seed: UInt64 = 0, transform: PixelTransform = .unitRange,
    augmentation: TransformPipeline?
  ) throws {
    var kept: TransformPipeline? = nil
    if let augmentation, !augmentation.transforms.isEmpty {
      try DataLoader.check(augmentation, fits: dataset, seed: seed)
      kept = augmentation
    }
    self.init(
      checkedDataset: dataset, batchSize: batchSize, shuffle: shuffle, dropLast: dropLast,
      seed: seed, transform: transform, augmentation: kept)
  }

  private init(
    checkedDataset dataset: any LabeledImageDataset, batchSize: Int, shuffle: Bool,
    dropLast: Bool, seed: UInt64, transform: PixelTransform, augmentation: TransformPipeline?
  ) {
    precondition(batchSize >= 1, "DataLoader: batch size must be at least 1, got \(batchSize)")
    transform.validate(channels: dataset.sampleShape[0])
    self.dataset = dataset
    self.batchSize = batchSize
    self.shuffle = shuffle
    self.dropLast = dropLast
    self.seed = seed
    self.transform = transform
    self.augmentation = augmentation
  }

  /// Throws unless `augmentation` accepts the dataset's channels and keeps its sample shape.
  private static func check(
    _ augmentation: TransformPipeline, fits dataset: any LabeledImageDataset, seed: UInt64
  ) throws {
    let shape = dataset.sampleShape
    guard (1...4).contains(shape[0]) else {
      throw DataError(
        file: dataset.name, field: "channels",
        problem: "\(shape[0]), expected 1 to 4 to apply image augmentation")
    }
    try augmentation.validate(channels: shape[0])
    var generator = SeededGenerator(seed: seed)
    let probe = augmentation.apply(
      Image(width: shape[2], height: shape[1], channels: shape[0]), using: &generator)
    guard [probe.channels, probe.height, probe.width] == shape else {
      throw DataError(
        file: dataset.name, field: "augmentation",
        problem: "turns \(shape[0])×\(shape[1])×\(shape[2]) samples into "
          + "\(probe.channels)×\(probe.height)×\(probe.width), expected the sample shape to be "
          + "kept (resize or crop back to \(shape[1])×\(shape[2]))")
    }
  }

  /// Batches per epoch.
  public var batchCount: Int {
    dropLast ? dataset.count / batchSize : (dataset.count + batchSize - 1) / batchSize
  }

  /// The order in which epoch `epoch` visits the dataset's indices.
  public func order(epoch: Int) -> [Int] {
    shuffle
      ? SeededPermutation.permutation(count: dataset.count, seed: seed, epoch: epoch)
      : Array(0..<dataset.count)
  }

  /// The batches of epoch `epoch`, built as the sequence is iterated (prefetched in the
  /// background when `prefetchDepth` > 0).
  public func batches(epoch: Int) -> EpochBatches {
    EpochBatches(loader: self, order: order(epoch: epoch), epoch: epoch)
  }

  /// The batches of epoch `epoch` from batch number `first` on (0 ..< batchCount), exactly as
  /// the full epoch's from there — for continuing an epoch after a checkpoint. The batches
  /// before `first` are not built.
  public func batches(epoch: Int, from first: Int) -> EpochBatches {
    precondition(first >= 0 && first <= batchCount, "DataLoader: batch \(first) of \(batchCount)")
    return EpochBatches(loader: self, order: order(epoch: epoch), epoch: epoch, first: first)
  }

  /// Builds the batch of the samples at `indices` (dataset indices, in batch order).
  ///
  /// Samples are converted in parallel chunks when the batch is large enough for threads to
  /// pay off (a chunk is at least about 64 K floats); augmented samples, which cost far more,
  /// are spread over the threads one by one.
  /// - Parameters:
  ///   - epoch: the epoch, for the augmentation seed.
  ///   - firstPosition: the position of `indices[0]` in the epoch's order, for the
  ///     augmentation seed (sample k of the batch is at `firstPosition + k`).
  public func makeBatch(indices: [Int], epoch: Int = 0, firstPosition: Int = 0) -> Batch {
    let sampleSize = dataset.sampleElementCount
    var images = Tensor(uninitializedShape: [indices.count] + dataset.sampleShape)
    let loader = self
    images.withUnsafeMutableBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return }
      if let augmentation = loader.augmentation {
        parallelChunks(indices.count) { range in
          for position in range {
            loader.writeAugmentedSample(
              at: indices[position], into: base + position * sampleSize, augmentation: augmentation,
              epoch: epoch, position: firstPosition + position)
          }
        }
      } else {
        parallelChunks(indices.count, minimumChunk: max(1, 65536 / max(1, sampleSize))) { range in
          for position in range {
            loader.dataset.writeImage(
              at: indices[position], into: base + position * sampleSize,
              transform: loader.transform)
          }
        }
      }
    }
    return Batch(images: images, labels: indices.map { dataset.label(at: $0) }, indices: indices)
  }

  /// The generator for the sample at `position` of epoch `epoch`: a function of the seed, the
  /// epoch and the position only (never of the thread that builds the sample).
  public func augmentationGenerator(epoch: Int, position: Int) -> SeededGenerator {
    // A constant keeps this stream apart from the shuffle's, which mixes the same seed.
    var state = SeededPermutation.mix(seed ^ 0x5851_F42D_4C95_7F2D)
    state = SeededPermutation.mix(state ^ UInt64(truncatingIfNeeded: epoch))
    state = SeededPermutation.mix(state ^ UInt64(truncatingIfNeeded: position))
    return SeededGenerator(seed: state)
  }

  /// Sample `index` as an image in [0, 1], augmented, then converted by `transform`.
  private func writeAugmentedSample(
    at index: Int, into destination: UnsafeMutablePointer<Float>,
    augmentation: TransformPipeline, epoch: Int, position: Int
  ) {
    let shape = dataset.sampleShape
    var image = Image(width: shape[2], height: shape[1], channels: shape[0])
    image.pixels.withUnsafeMutableBufferPointer { pixels in
      if let base = pixels.baseAddress {
        dataset.writeImage(at: index, into: base, transform: .unitRange)
      }
    }
    var generator = augmentationGenerator(epoch: epoch, position: position)
    let augmented = augmentation.apply(image, using: &generator)
    precondition(
      [augmented.channels, augmented.height, augmented.width] == shape,
      "DataLoader: augmentation turned a \(shape) sample of \(dataset.name) into "
        + "[\(augmented.channels), \(augmented.height), \(augmented.width)]")
    let planeSize = shape[1] * shape[2]
    augmented.pixels.withUnsafeBufferPointer { pixels in
      guard let base = pixels.baseAddress else { return }
      for channel in 0..<shape[0] {
        transform.apply(
          unitValues: base + channel * planeSize, to: destination + channel * planeSize,
          count: planeSize, channel: channel)
      }
    }
  }
}

/// The batches of one epoch, in order.
///
/// `for batch in batches` prefetches: while the loop body runs on batch k, a background
/// thread builds batches k + 1 … k + `loader.prefetchDepth` (see `BatchPrefetcher`). Batch
/// contents do not depend on the prefetching, since each batch is a function of the loader,
/// the epoch and its number alone.
public struct EpochBatches: Sequence, Sendable {
  let loader: DataLoader
  /// Dataset indices in visiting order.
  public let order: [Int]
  /// The epoch these batches belong to (it seeds the augmentation).
  public let epoch: Int
  /// The number of the first batch iteration yields (0 unless continuing an epoch).
  public let first: Int

  init(loader: DataLoader, order: [Int], epoch: Int, first: Int = 0) {
    self.loader = loader
    self.order = order
    self.epoch = epoch
    self.first = first
  }

  /// The number of batches in the whole epoch (iteration yields `count - first` of them).
  public var count: Int { loader.batchCount }

  /// Batch number `number` (0 ..< count), built on the calling thread.
  public subscript(number: Int) -> Batch {
    precondition(number >= 0 && number < count, "EpochBatches: batch \(number) of \(count)")
    let positions = loader.shard.piece(
      of: (number * loader.batchSize)..<Swift.min((number + 1) * loader.batchSize, order.count))
    let (start, end) = (positions.lowerBound, positions.upperBound)
    return loader.makeBatch(indices: Array(order[start..<end]), epoch: epoch, firstPosition: start)
  }

  public func makeIterator() -> Iterator {
    Iterator(
      batches: self,
      prefetcher: loader.prefetchDepth > 0 && count - first > 1
        ? BatchPrefetcher(batches: self, depth: loader.prefetchDepth, first: first) : nil,
      nextNumber: first)
  }

  public struct Iterator: IteratorProtocol {
    let batches: EpochBatches
    /// Builds batches ahead on a background thread; nil to build each in `next()`.
    let prefetcher: BatchPrefetcher?
    var nextNumber: Int

    public mutating func next() -> Batch? {
      guard nextNumber < batches.count else { return nil }
      defer { nextNumber += 1 }
      return prefetcher?.take(nextNumber) ?? batches[nextNumber]
    }
  }
}
