import ConvNetKernels
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

/// Cuts a dataset into mini-batches, optionally reshuffled every epoch.
///
/// Epoch `e` visits the samples in `order(epoch: e)`: file order when `shuffle` is false,
/// otherwise a permutation determined by `seed` and `e` alone (see `SeededPermutation`).
/// The last batch is smaller when the batch size does not divide the sample count, unless
/// `dropLast` is set.
public struct DataLoader: Sendable {
  public let dataset: any LabeledImageDataset
  public let batchSize: Int
  public let shuffle: Bool
  public let dropLast: Bool
  public let seed: UInt64
  public let transform: PixelTransform

  /// - Parameters:
  ///   - batchSize: samples per batch (≥ 1).
  ///   - shuffle: reshuffle every epoch; false keeps the dataset order.
  ///   - dropLast: leave out a final batch smaller than `batchSize`.
  ///   - seed: the shuffle seed.
  ///   - transform: how pixels become floats; the default maps 0…255 to 0…1.
  public init(
    dataset: any LabeledImageDataset, batchSize: Int, shuffle: Bool = true,
    dropLast: Bool = false, seed: UInt64 = 0, transform: PixelTransform = .unitRange
  ) {
    precondition(batchSize >= 1, "DataLoader: batch size must be at least 1, got \(batchSize)")
    transform.validate(channels: dataset.sampleShape[0])
    self.dataset = dataset
    self.batchSize = batchSize
    self.shuffle = shuffle
    self.dropLast = dropLast
    self.seed = seed
    self.transform = transform
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

  /// The batches of epoch `epoch`, built one at a time as the sequence is iterated.
  public func batches(epoch: Int) -> EpochBatches {
    EpochBatches(loader: self, order: order(epoch: epoch))
  }

  /// Builds the batch of the samples at `indices` (dataset indices, in batch order).
  ///
  /// Samples are converted in parallel chunks when the batch is large enough for threads to
  /// pay off (a chunk is at least about 64 K floats).
  public func makeBatch(indices: [Int]) -> Batch {
    let sampleSize = dataset.sampleElementCount
    var images = Tensor(uninitializedShape: [indices.count] + dataset.sampleShape)
    let dataset = self.dataset
    let transform = self.transform
    images.withUnsafeMutableBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return }
      parallelChunks(indices.count, minimumChunk: max(1, 65536 / max(1, sampleSize))) { range in
        for position in range {
          dataset.writeImage(
            at: indices[position], into: base + position * sampleSize, transform: transform)
        }
      }
    }
    return Batch(images: images, labels: indices.map { dataset.label(at: $0) }, indices: indices)
  }
}

/// The batches of one epoch, in order.
public struct EpochBatches: Sequence, Sendable {
  let loader: DataLoader
  /// Dataset indices in visiting order.
  public let order: [Int]

  /// The number of batches.
  public var count: Int { loader.batchCount }

  /// Batch number `number` (0 ..< count).
  public subscript(number: Int) -> Batch {
    precondition(number >= 0 && number < count, "EpochBatches: batch \(number) of \(count)")
    let start = number * loader.batchSize
    let end = Swift.min(start + loader.batchSize, order.count)
    return loader.makeBatch(indices: Array(order[start..<end]))
  }

  public func makeIterator() -> Iterator { Iterator(batches: self) }

  public struct Iterator: IteratorProtocol {
    let batches: EpochBatches
    var nextNumber = 0

    public mutating func next() -> Batch? {
      guard nextNumber < batches.count else { return nil }
      defer { nextNumber += 1 }
      return batches[nextNumber]
    }
  }
}
