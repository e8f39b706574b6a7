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

  init(capacity: Int) {
    self.capacity = max(capacity, 64)
    pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: self.capacity)
  }

  deinit { pointer.deallocate() }

  /// Makes room for at least `extra` more bytes after `count`; may move `pointer`.
  func reserve(_ extra: Int) {
    let needed = count + extra
    if needed <= capacity { return }
    var newCapacity = capacity
    while newCapacity < needed { newCapacity *= 2 }
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
