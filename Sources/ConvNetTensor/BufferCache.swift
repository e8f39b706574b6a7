import Synchronization

/// A process-wide cache of freed 64-byte-aligned buffers, keyed by size, behind every
/// `TensorStorage` (and the max-pool index buffers).
///
/// A training step allocates the same tensors every time — activations, gradients, scratch —
/// and frees them when the step's graph goes away. Without a cache each large buffer is a fresh
/// `mmap` from the C allocator whose pages fault in on first touch (≈ 1.5 µs per 4 KiB page on
/// the VMs this was measured on, a few ms per step at batch 256); with it, the next step gets
/// the same, already mapped, buffers back. Sizes are rounded up to 64 bytes, so a steady loop
/// (same shapes every step) is served from the cache entirely after its first step.
///
/// A request no idle buffer of its size serves takes the smallest idle buffer of up to twice its
/// size (from `minimumRefitBytes` up), which goes back under its own size when freed. Without
/// this, inference — where every layer's output has another size — kept one idle buffer of each
/// size beside the live activations: at batch 16 ResNet-50's peak memory was 607 MiB with it
/// and 481 MiB without (ResNet-18 360 → 325–343), at no measurable cost in speed; the buffer's
/// pages are resident already, so serving a smaller tensor from it adds nothing to the
/// process's memory, where a fresh allocation would.
///
/// Bounded: at most `maximumCachedBytes` are kept and at most `maximumBuffersPerSize` of each
/// size; a buffer that does not fit is returned to the system. Thread-safe (one lock): the
/// data loader's thread allocates batches that the training thread frees.
public enum BufferCache {
  /// The most memory kept for reuse, in bytes.
  public static let maximumCachedBytes = 192 << 20
  /// The most buffers kept of any one size.
  public static let maximumBuffersPerSize = 16
  /// The smallest request served by a larger idle buffer (smaller ones come from the C
  /// allocator's own free lists, without page faults, anyway).
  public static let minimumRefitBytes = 64 << 10
  /// The alignment of every buffer, in bytes (one cache line; AVX-512 friendly).
  public static let alignment = 64

  private struct State: ~Copyable {
    /// Idle buffers by rounded byte count.
    var idle: [Int: [UnsafeMutableRawPointer]] = [:]
    var cachedBytes = 0
    /// Buffers handed out for a smaller request, by address: their own size, under which they
    /// are cached again.
    var refitted: [UnsafeMutableRawPointer: Int] = [:]
  }

  private static let state = Mutex(State())

  /// The byte count a request is served with: rounded up to whole cache lines, at least one.
  @inline(__always)
  static func roundedSize(_ byteCount: Int) -> Int {
    max(alignment, (byteCount + alignment - 1) & ~(alignment - 1))
  }

  /// A buffer of at least `byteCount` bytes, aligned to `alignment`, contents undefined.
  /// Give it back with `deallocate(_:byteCount:)` and the same `byteCount`.
  public static func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
    let size = roundedSize(byteCount)
    let reused: UnsafeMutableRawPointer? = state.withLock { state in
      if let pointer = state.idle[size]?.popLast() {
        state.cachedBytes -= size
        return pointer
      }
      guard size >= minimumRefitBytes else { return nil }
      // The smallest idle buffer of up to twice the size.
      var best = Int.max
      for (capacity, buffers) in state.idle
      where capacity > size && capacity <= 2 * size && capacity < best && !buffers.isEmpty {
        best = capacity
      }
      guard best != Int.max, let pointer = state.idle[best]?.popLast() else { return nil }
      state.cachedBytes -= best
      state.refitted[pointer] = best
      return pointer
    }
    return reused ?? UnsafeMutableRawPointer.allocate(byteCount: size, alignment: alignment)
  }

  /// Returns a buffer from `allocate(byteCount:)` for reuse (or to the system when the cache
  /// is full).
  public static func deallocate(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
    let requested = roundedSize(byteCount)
    let kept = state.withLock { state in
      var size = requested
      if !state.refitted.isEmpty, let capacity = state.refitted.removeValue(forKey: pointer) { size = capacity }
      guard state.cachedBytes + size <= maximumCachedBytes,
        state.idle[size, default: []].count < maximumBuffersPerSize
      else { return false }
      state.idle[size, default: []].append(pointer)
      state.cachedBytes += size
      return true
    }
    if !kept { pointer.deallocate() }
  }

  /// The bytes currently held for reuse.
  public static var cachedBytes: Int { state.withLock { $0.cachedBytes } }

  /// Returns every idle buffer to the system (e.g. after training, before a different
  /// workload).
  public static func purge() {
    let buffers = state.withLock { state in
      let all = state.idle.values.flatMap { $0 }
      state.idle = [:]
      state.cachedBytes = 0
      return all
    }
    for pointer in buffers { pointer.deallocate() }
  }
}
