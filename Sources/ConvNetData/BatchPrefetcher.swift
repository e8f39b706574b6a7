import Foundation

/// Builds the batches of one epoch, in order, on a background thread, at most `depth` ahead of
/// the consumer: while the training loop works on batch k, batches k + 1 … k + depth are being
/// or have been made.
///
/// One producer thread makes batch 0, 1, 2, … in turn and appends each to a queue bounded by
/// `depth`; `take(k)` waits for batch k. Because the producer makes each batch exactly as
/// `EpochBatches[k]` would, the results are identical to building them on the caller's thread.
/// Dropping the prefetcher (e.g. leaving the loop early) stops the producer after the batch it
/// is building.
final class BatchPrefetcher: Sendable {
  private let queue: PrefetchQueue

  /// Builds batches `first`, `first + 1`, … to the end of the epoch.
  init(batches: EpochBatches, depth: Int, first: Int = 0) {
    precondition(depth >= 1, "BatchPrefetcher: depth must be at least 1, got \(depth)")
    let queue = PrefetchQueue(depth: depth, first: first)
    self.queue = queue
    // The thread holds the queue, not the prefetcher, so the prefetcher's deinit can stop it.
    let thread = Thread {
      for number in first..<batches.count {
        guard queue.waitForRoom() else { return }
        queue.append(batches[number])
      }
    }
    thread.name = "ConvNet batch prefetch"
    thread.start()
  }

  deinit { queue.cancel() }

  /// Batch `number`, waiting until the producer has made it. Batches must be taken in order.
  func take(_ number: Int) -> Batch { queue.take(number) }
}

/// The bounded queue between the producer thread and the consumer, guarded by one condition.
private final class PrefetchQueue: @unchecked Sendable {
  private let condition = NSCondition()
  private let depth: Int
  // Everything below is read and written only while `condition` is locked.
  private var ready: [Batch] = []
  private var taken: Int
  private var cancelled = false

  init(depth: Int, first: Int) {
    self.depth = depth
    self.taken = first
  }

  /// Waits until fewer than `depth` batches are waiting; false when cancelled.
  func waitForRoom() -> Bool {
    condition.lock()
    defer { condition.unlock() }
    while ready.count >= depth && !cancelled { condition.wait() }
    return !cancelled
  }

  func append(_ batch: Batch) {
    condition.lock()
    ready.append(batch)
    condition.broadcast()
    condition.unlock()
  }

  func take(_ number: Int) -> Batch {
    condition.lock()
    defer { condition.unlock() }
    precondition(number == taken, "BatchPrefetcher: batch \(number) asked for, expected \(taken)")
    while ready.isEmpty { condition.wait() }
    taken += 1
    let batch = ready.removeFirst()
    condition.broadcast()
    return batch
  }

  func cancel() {
    condition.lock()
    cancelled = true
    condition.broadcast()
    condition.unlock()
  }
}
