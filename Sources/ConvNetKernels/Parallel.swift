import Dispatch

/// The number of worker threads kernels split their work across.
public enum Parallelism {
  /// Cores available to this process (at least 1).
  public static let threadCount: Int = max(1, sysconfThreadCount())
}

private func sysconfThreadCount() -> Int {
  #if canImport(Glibc) || canImport(Darwin)
    return Int(_activeProcessorCount())
  #else
    return 1
  #endif
}

#if canImport(Glibc)
  import Glibc
  private func _activeProcessorCount() -> Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }
#elseif canImport(Darwin)
  import Darwin
  private func _activeProcessorCount() -> Int { Int(sysconf(_SC_NPROCESSORS_ONLN)) }
#endif

/// Runs `body(i)` for every i in 0..<count, spread over the worker threads.
/// Runs inline when `count` is 1 or there is one thread, to avoid the dispatch cost.
@inline(__always)
public func parallelFor(_ count: Int, _ body: (Int) -> Void) {
  if count <= 0 { return }
  if count == 1 || Parallelism.threadCount == 1 {
    for i in 0..<count { body(i) }
    return
  }
  withoutActuallyEscaping(body) { escapable in
    DispatchQueue.concurrentPerform(iterations: count, execute: escapable)
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
