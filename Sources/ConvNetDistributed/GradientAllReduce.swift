import ConvNetTensor

/// Sums tensors over the processes in buckets, as PyTorch's DistributedDataParallel does: the
/// tensors are laid end to end, cut into buckets of at most `bucketBytes`, and each bucket is
/// one `MPI_Allreduce` — few large messages instead of one per parameter (the latency of a
/// message dominates small ones), while the copy buffer stays bounded for large models.
///
/// Each tensor is multiplied by its own weight before the sum, so the result is a weighted sum:
/// with weight (this process's samples / the global batch's) for a gradient of a mean loss, the
/// sum is the gradient of the global batch's mean loss, also when the processes' parts differ
/// in size.
///
/// The buckets are reduced after backward has finished, not overlapped with it: on the machine
/// this was written on, communication took a few per cent of a step (see the README), the
/// bound on what overlapping could save.
public final class GradientAllReduce {
  /// PyTorch DDP's default bucket size (`bucket_cap_mb=25`).
  public static let defaultBucketBytes = 25 * 1024 * 1024

  public let communicator: MPICommunicator
  /// Floats per bucket.
  public let bucketCapacity: Int
  /// Buckets reduced by the last `sum` call.
  public private(set) var lastBucketCount = 0
  private var bucket: [Float] = []

  public init(communicator: MPICommunicator, bucketBytes: Int = GradientAllReduce.defaultBucketBytes) {
    self.communicator = communicator
    self.bucketCapacity = max(1, bucketBytes / MemoryLayout<Float>.stride)
  }

  /// Σ over processes of weights[k] · tensors[k], for every k (all processes must pass tensors
  /// of the same shapes in the same order).
  public func sum(_ tensors: [Tensor], weights: [Float]) throws -> [Tensor] {
    precondition(tensors.count == weights.count, "GradientAllReduce: one weight per tensor")
    return try sum(tensors, weights: weights, for: .gradients)
  }

  /// Process 0's tensors, on every process.
  public func broadcast(_ tensors: [Tensor]) throws -> [Tensor] {
    try exchange(tensors, weights: nil, for: .broadcast)
  }

  func sum(_ tensors: [Tensor], weights: [Float], for purpose: MPICommunicator.Purpose) throws -> [Tensor] {
    try exchange(tensors, weights: weights, for: purpose)
  }

  /// Lays `tensors` end to end and sends them through the buckets: a weighted all-reduce, or a
  /// broadcast when `weights` is nil.
  private func exchange(
    _ tensors: [Tensor], weights: [Float]?, for purpose: MPICommunicator.Purpose
  ) throws -> [Tensor] {
    var offsets = [0]
    for tensor in tensors { offsets.append(offsets[offsets.count - 1] + tensor.count) }
    let total = offsets[offsets.count - 1]
    if bucket.count < min(total, bucketCapacity) {
      bucket = [Float](repeating: 0, count: min(total, bucketCapacity))
    }
    var results = tensors.map { Tensor(uninitializedShape: $0.shape) }
    lastBucketCount = 0
    var chunkStart = 0
    var first = 0  // the first tensor that reaches into the chunk
    while chunkStart < total {
      let chunkEnd = min(chunkStart + bucketCapacity, total)
      try bucket.withUnsafeMutableBufferPointer { bucket in
        var k = first
        while k < tensors.count && offsets[k] < chunkEnd {
          let low = max(offsets[k], chunkStart)
          let high = min(offsets[k + 1], chunkEnd)
          let weight = weights?[k] ?? 1
          tensors[k].withUnsafeBufferPointer { source in
            for i in low..<high { bucket[i - chunkStart] = source[i - offsets[k]] * weight }
          }
          k += 1
        }
        let part = UnsafeMutableBufferPointer(rebasing: bucket[0..<(chunkEnd - chunkStart)])
        if weights == nil {
          try communicator.broadcast(part)
        } else {
          try communicator.sum(part, for: purpose)
        }
        k = first
        while k < tensors.count && offsets[k] < chunkEnd {
          let low = max(offsets[k], chunkStart)
          let high = min(offsets[k + 1], chunkEnd)
          results[k].withUnsafeMutableBufferPointer { target in
            for i in low..<high { target[i - offsets[k]] = bucket[i - chunkStart] }
          }
          k += 1
        }
        // The last tensor may continue into the next chunk.
        first = max(first, k - 1)
        while first < tensors.count && offsets[first + 1] <= chunkEnd { first += 1 }
      }
      lastBucketCount += 1
      chunkStart = chunkEnd
    }
    return results
  }
}
