import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Ends the process when one collective operation waits longer than `timeout`.
///
/// A blocking MPI call waits for every other process; when one of them hangs (stopped, stuck on
/// a dead network link) the others would wait forever. MPI has no timeout of its own, so a
/// background thread looks every second at the collective in progress and, once it has waited
/// `timeout`, writes one line and exits with status 1 (`_exit`: the blocked thread cannot be
/// unwound). `mpirun` then ends the other processes. A process that *dies* is noticed sooner by
/// `mpirun` itself. Checkpoints are written atomically, so the last one stays intact.
final class CollectiveWatchdog: Sendable {
  /// When the collective in progress began (nanoseconds, monotonic clock); 0 when none is.
  private let startedAt = Atomic<UInt64>(0)
  /// Which collective is in progress (an index into `names`).
  private let operation = Atomic<Int>(0)
  private let names: [String]
  private let timeoutNanoseconds: UInt64
  private let message: String
  private let descriptor: Int32

  /// - Parameters:
  ///   - names: the collectives `begin` may name, by index.
  ///   - message: what the process prints before it ends, after "<operation>: no answer for N s".
  ///   - descriptor: where it prints it (standard error of the process as the user sees it).
  init(timeout: Double, names: [String], message: String, descriptor: Int32) {
    self.names = names
    self.timeoutNanoseconds = UInt64(max(1, timeout) * 1e9)
    self.message = message
    self.descriptor = descriptor
    let thread = Thread { [self] in self.watch() }
    thread.name = "convnet-mpi-watchdog"
    thread.start()
  }

  /// Marks the start of collective `names[index]`.
  func begin(_ index: Int) {
    operation.store(index, ordering: .relaxed)
    startedAt.store(Self.now(), ordering: .releasing)
  }

  /// Marks its end.
  func end() { startedAt.store(0, ordering: .releasing) }

  private func watch() {
    while true {
      sleep(1)
      let started = startedAt.load(ordering: .acquiring)
      guard started != 0 else { continue }
      let waited = Self.now() &- started
      guard waited > timeoutNanoseconds, startedAt.load(ordering: .acquiring) == started else { continue }
      let name = names[operation.load(ordering: .relaxed)]
      let line = "\(name): no answer from the other processes for \(waited / 1_000_000_000) s; \(message)\n"
      _ = line.withCString { write(descriptor, $0, strlen($0)) }
      _exit(1)
    }
  }

  private static func now() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
  }
}
