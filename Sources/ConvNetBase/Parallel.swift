import CConvNetThreadPool

/// The number of worker threads kernels split their work across.
public enum Parallelism {
  /// Threads a parallel loop runs on: the caller plus the pool's workers (≥ 1) — one thread
  /// per core, or as many as the environment variable `CONVNET_NUM_THREADS` says (like
  /// `OMP_NUM_THREADS` for PyTorch), read once at the first parallel call.
  public static let threadCount: Int = cn_parallel_thread_count()
}

/// Runs `body(i)` for every i in 0..<count, spread over the caller and the pool's workers.
///
/// The pool (thread_pool.c) keeps its workers polling for a short while between jobs, because
/// waking a sleeping thread (as Dispatch does on every call) cost 4–13 µs here — comparable to
/// the work of a small layer. Nested calls, and calls while another thread's loop runs, run
/// inline. Runs inline when `count` is 1 or there is one thread.
@inline(__always)
public func parallelFor(_ count: Int, _ body: (Int) -> Void) {
  if count <= 0 { return }
  if count == 1 || Parallelism.threadCount == 1 {
    for i in 0..<count { body(i) }
    return
  }
  withoutActuallyEscaping(body) { escapable in
    var closure = escapable
    withUnsafeMutablePointer(to: &closure) { pointer in
      cn_parallel_for(
        count,
        { context, index in
          context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(index)
        }, pointer)
    }
  }
}

/// Splits 0..<count into at most `Parallelism.threadCount` contiguous chunks and runs
/// `body(range)` for each in parallel. Use when per-index dispatch would cost more than the work.
public func parallelChunks(_ count: Int, minimumChunk: Int = 1, _ body: (Range<Int>) -> Void) {
  if count <= 0 { return }
  let chunks = max(1, min(Parallelism.threadCount, count / max(1, minimumChunk)))
  if chunks == 1 {
    body(0..<count)
    return
  }
  parallelFor(chunks) { chunk in
    let start = count * chunk / chunks
    let end = count * (chunk + 1) / chunks
    body(start..<end)
  }
}
