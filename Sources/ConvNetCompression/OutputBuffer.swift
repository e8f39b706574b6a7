/// The growable byte buffer that decoders write into.
///
/// Decoding writes tens of megabytes a few bytes at a time, so the hot loops work on the raw
/// pointer (after `reserve`) rather than appending to an `Array`; `bytes()` copies the result
/// out once at the end.
final class OutputBuffer {
  private(set) var pointer: UnsafeMutablePointer<UInt8>
  private(set) var capacity: Int
  /// Bytes written so far.
  var count: Int = 0
  /// The most bytes the caller wants: once more have been written, the next `reserve` throws
  /// `OutputLimitReached`, and the capacity never grows far beyond it — so a small input that
  /// inflates to gigabytes costs at most about `limit` bytes of memory.
  var limit = Int.max

  init(capacity: Int) {
    self.capacity = max(capacity, 64)
    pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: self.capacity)
  }

  deinit { pointer.deallocate() }

  /// Makes room for at least `extra` more bytes after `count`; may move `pointer`.
  /// - Throws: `OutputLimitReached` when more than `limit` bytes have been written.
  func reserve(_ extra: Int) throws {
    let needed = count + extra
    if needed <= capacity { return }
    // Writers reserve ahead of what they write, so only bytes already written count.
    if count > limit { throw OutputLimitReached() }
    var newCapacity = capacity
    while newCapacity < needed { newCapacity *= 2 }
    if limit < Int.max / 2 { newCapacity = max(needed, min(newCapacity, limit + 1024)) }
    let newPointer = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
    newPointer.initialize(from: pointer, count: count)
    pointer.deallocate()
    pointer = newPointer
    capacity = newCapacity
  }

  /// A copy of the bytes written.
  func bytes() -> [UInt8] {
    [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
      if count > 0, let base = buffer.baseAddress { base.initialize(from: pointer, count: count) }
      initialized = count
    }
  }
}

/// Thrown by `OutputBuffer.reserve` once the output has passed its `limit`.
struct OutputLimitReached: Error {}
