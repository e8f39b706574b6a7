import Synchronization

/// A growable float buffer that kernels borrow as temporary workspace (im2col columns,
/// per-thread partial sums). Only grows, so a steady training loop stops allocating once every
/// buffer has reached the largest size it is asked for.
final class ScratchBuffer: @unchecked Sendable {
  // @unchecked: a buffer is only ever used by the one thread that took it from the pool.
  private(set) var pointer: UnsafeMutablePointer<Float>
  private(set) var capacity: Int

  init() {
    pointer = .allocate(capacity: 1)
    capacity = 0
  }

  /// Makes room for at least `count` floats. The contents are not kept.
  func reserve(_ count: Int) {
    if count <= capacity { return }
    pointer.deallocate()
    pointer = .allocate(capacity: count)
    capacity = count
  }

  deinit { pointer.deallocate() }
}

/// The process-wide pool of scratch buffers. Each concurrent borrower takes its own buffer, so
/// the pool holds about as many buffers as the deepest parallel nesting ever used (threads ×
/// buffers per kernel), each as large as the largest request it served.
enum ScratchPool {
  private static let idle = Mutex<[ScratchBuffer]>([])

  /// Runs `body` with a workspace of at least `count` floats (uninitialised) that no other
  /// thread uses meanwhile, then returns the buffer to the pool.
  static func withBuffer<Result>(
    count: Int, _ body: (UnsafeMutablePointer<Float>) -> Result
  ) -> Result {
    // Take the largest idle buffer: it is the one least likely to need reallocating.
    let buffer: ScratchBuffer =
      idle.withLock { buffers in
        guard let largest = buffers.indices.max(by: { buffers[$0].capacity < buffers[$1].capacity })
        else { return nil }
        return buffers.remove(at: largest)
      } ?? ScratchBuffer()
    buffer.reserve(count)
    defer { idle.withLock { $0.append(buffer) } }
    return body(buffer.pointer)
  }
}
