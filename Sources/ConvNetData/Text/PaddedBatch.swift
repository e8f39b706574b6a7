import ConvNetTensor

/// Sequences of token ids of different lengths in one rectangle, padded at the end, with
/// their lengths and a mask — what an embedding and a recurrent layer over a batch need (the
/// lengths stand in for PyTorch's packed sequences: steps past a row's length are padding).
public struct PaddedBatch: Equatable, Sendable {
  /// Row-major [batchSize, length] ids; positions past a row's length hold `padID`.
  public let ids: [Int]
  /// The number of rows.
  public let batchSize: Int
  /// The number of columns: the longest row's length.
  public let length: Int
  /// Each row's length before padding (after truncation).
  public let lengths: [Int]
  /// The id written into padding.
  public let padID: Int

  /// Pads `sequences` to the longest one.
  /// - Parameters:
  ///   - maximumLength: longer sequences keep their first `maximumLength` ids.
  ///   - padID: `Vocabulary.padID` (0) by default.
  public init(sequences: [[Int]], maximumLength: Int? = nil, padID: Int = Vocabulary.padID) {
    let lengths = sequences.map { min($0.count, maximumLength ?? Int.max) }
    let length = lengths.max() ?? 0
    var ids = [Int](repeating: padID, count: sequences.count * length)
    for (row, sequence) in sequences.enumerated() {
      for column in 0..<lengths[row] { ids[row * length + column] = sequence[column] }
    }
    self.ids = ids
    self.batchSize = sequences.count
    self.length = length
    self.lengths = lengths
    self.padID = padID
  }

  /// The id at (row, column).
  public subscript(row: Int, column: Int) -> Int { ids[row * length + column] }

  /// [batchSize, length]: 1 where a row has a token, 0 in its padding.
  public var mask: Tensor {
    var values = [Float](repeating: 0, count: ids.count)
    for row in 0..<batchSize {
      for column in 0..<lengths[row] { values[row * length + column] = 1 }
    }
    return Tensor(shape: [batchSize, length], scalars: values)
  }

  /// The ids as floats, [batchSize, length] (tensors hold Float32; ids below 2²⁴ are exact).
  public var idTensor: Tensor {
    Tensor(shape: [batchSize, length], scalars: ids.map { Float($0) })
  }

  /// The row indices by decreasing length, ties in row order — the order PyTorch's
  /// `pack_padded_sequence(enforce_sorted=True)` wants.
  public var rowsByDecreasingLength: [Int] {
    (0..<batchSize).sorted { lengths[$0] != lengths[$1] ? lengths[$0] > lengths[$1] : $0 < $1 }
  }
}

/// The order of the samples in each epoch, cut into batches.
public enum BatchOrder {
  /// Index batches of `batchSize` (the last may be smaller unless `dropLast`), in a seeded
  /// permutation for `epoch` when `shuffle` (`SeededPermutation.permutation(count:seed:epoch:)`,
  /// so an epoch can be replayed after resuming), else in order.
  public static func batches(
    count: Int, batchSize: Int, shuffle: Bool, seed: UInt64, epoch: Int, dropLast: Bool = false
  ) -> [[Int]] {
    precondition(batchSize > 0, "BatchOrder: batch size \(batchSize), expected at least 1")
    let order =
      shuffle ? SeededPermutation.permutation(count: count, seed: seed, epoch: epoch) : Array(0..<count)
    var batches: [[Int]] = []
    var start = 0
    while start < count {
      let end = min(start + batchSize, count)
      if end - start < batchSize && dropLast { break }
      batches.append(Array(order[start..<end]))
      start = end
    }
    return batches
  }
}

extension BatchOrder {
  /// Batches of samples of similar length, so a padded batch holds little padding (reviews run
  /// from a few characters to thousands): the epoch's seeded permutation is cut into pools of
  /// `poolBatches` batches; each pool is sorted by length (ties in permutation order) and cut
  /// into batches; then the batches' order is shuffled with the same epoch's generator. Every
  /// sample appears once per epoch; the same seed and epoch give the same batches.
  public static func lengthBucketed(
    lengths: [Int], batchSize: Int, seed: UInt64, epoch: Int, poolBatches: Int = 50
  ) -> [[Int]] {
    precondition(batchSize > 0 && poolBatches > 0, "BatchOrder: sizes must be at least 1")
    let order = SeededPermutation.permutation(count: lengths.count, seed: seed, epoch: epoch)
    var batches: [[Int]] = []
    let poolSize = batchSize * poolBatches
    var start = 0
    while start < order.count {
      let pool = order[start..<min(start + poolSize, order.count)].enumerated().sorted { a, b in
        let (la, lb) = (lengths[a.element], lengths[b.element])
        return la != lb ? la < lb : a.offset < b.offset
      }.map(\.element)
      var first = 0
      while first < pool.count {
        batches.append(Array(pool[first..<min(first + batchSize, pool.count)]))
        first += batchSize
      }
      start += poolSize
    }
    let shuffled = SeededPermutation.permutation(
      count: batches.count, seed: seed ^ 0x9E37_79B9_7F4A_7C15, epoch: epoch)
    return shuffled.map { batches[$0] }
  }
}

extension LabeledTextDataset {
  /// The texts at `indices` as padded id rows (`vocabulary.encode`), with their labels.
  public func batch(_ indices: [Int], vocabulary: Vocabulary, maximumLength: Int? = nil)
    -> (tokens: PaddedBatch, labels: [Int])
  {
    let sequences = indices.map { vocabulary.encode(texts[$0]) }
    return (PaddedBatch(sequences: sequences, maximumLength: maximumLength), indices.map { labels[$0] })
  }
}

extension ParallelTextDataset {
  /// The pairs at `indices` ready for an encoder–decoder trained with teacher forcing:
  /// `source` = source ids; `decoderInput` = `<bos>` + target ids; `decoderTarget` = target ids
  /// + `<eos>` (the decoder reads one and predicts the other, step by step).
  /// `maximumLength` bounds each of the three (target ids are cut before `<bos>`/`<eos>` are
  /// added, so both decoder rows are equally long).
  public func batch(
    _ indices: [Int], sourceVocabulary: Vocabulary, targetVocabulary: Vocabulary, maximumLength: Int? = nil
  ) -> (source: PaddedBatch, decoderInput: PaddedBatch, decoderTarget: PaddedBatch) {
    let limit = maximumLength ?? Int.max
    let sources = indices.map { sourceVocabulary.encode(pairs[$0].source) }
    let targets = indices.map { Array(targetVocabulary.encode(pairs[$0].target).prefix(max(0, limit - 1))) }
    return (
      PaddedBatch(sequences: sources, maximumLength: maximumLength),
      PaddedBatch(sequences: targets.map { [Vocabulary.beginID] + $0 }),
      PaddedBatch(sequences: targets.map { $0 + [Vocabulary.endID] })
    )
  }
}
