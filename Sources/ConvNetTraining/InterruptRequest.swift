import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// A request to stop training cleanly, made by SIGINT (Ctrl-C) or SIGTERM.
///
/// `install` replaces the two signals' handlers: the first signal only sets a flag (and writes
/// a notice), which `Trainer` polls between optimiser steps — it finishes the step, saves a
/// checkpoint and throws `TrainingInterrupted`. A second signal ends the process at once with
/// status 130 without touching the files: a save in progress leaves only a temporary file
/// (removed at the next start), and the previous checkpoint stays as it was.
///
/// There is one request per process (signal handlers are process-wide).
public final class InterruptRequest: Sendable {
  /// The request in effect, once installed.
  public static let shared = InterruptRequest()

  private init() {}

  /// Whether a signal has arrived since `install`.
  public var isRequested: Bool { signalCount.load(ordering: .acquiring) > 0 }

  /// The signal that made the request (SIGINT or SIGTERM), or nil.
  public var signal: Int32? {
    let number = lastSignal.load(ordering: .acquiring)
    return number == 0 ? nil : number
  }

  /// Installs the handlers for SIGINT and SIGTERM and clears any earlier request.
  /// - Parameters:
  ///   - notice: written to standard error when the first signal arrives (e.g. "stopping after
  ///     this step; Ctrl-C again to quit at once").
  ///   - exitNotice: written when a second signal ends the process.
  @discardableResult
  public static func install(notice: String, exitNotice: String) -> InterruptRequest {
    // The handler may not allocate: the texts are copied to memory it only reads.
    noticeBytes = copyForSignalHandler(notice)
    exitNoticeBytes = copyForSignalHandler(exitNotice)
    signalCount.store(0, ordering: .releasing)
    lastSignal.store(0, ordering: .releasing)
    for number in [SIGINT, SIGTERM] {
      var action = sigaction()
      action.__sigaction_handler.sa_handler = handleInterruptSignal
      sigemptyset(&action.sa_mask)
      // Restart interrupted system calls (a read or write in progress), so only the flag changes.
      action.sa_flags = SA_RESTART
      sigaction(number, &action, nil)
    }
    return shared
  }

  /// Restores the default handlers (a signal ends the process again).
  public static func uninstall() {
    for number in [SIGINT, SIGTERM] {
      var action = sigaction()
      action.__sigaction_handler.sa_handler = SIG_DFL
      sigemptyset(&action.sa_mask)
      sigaction(number, &action, nil)
    }
  }
}

/// Training stopped at a request (`InterruptRequest`) after finishing a step.
public struct TrainingInterrupted: Error, CustomStringConvertible {
  /// Where the run stands; the checkpoint, if any, holds exactly this state.
  public let state: TrainingState
  /// The checkpoint written, or nil when the trainer had no checkpoint URL.
  public let checkpoint: URL?

  public var description: String {
    "training interrupted at \(state.positionDescription)"
      + (checkpoint.map { "; saved \($0.path)" } ?? "; nothing was saved")
  }
}

// Process-wide, as the handlers are. Atomics, so the handler and the trainer's polling need no lock.
private let signalCount = Atomic<Int>(0)
private let lastSignal = Atomic<Int32>(0)
// Set in `install` before the handlers are, then only read (by the handler). A replaced copy is
// never freed, since a handler might still be reading it; there is one per `install`.
nonisolated(unsafe) private var noticeBytes = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
nonisolated(unsafe) private var exitNoticeBytes = UnsafeBufferPointer<UInt8>(start: nil, count: 0)

private func copyForSignalHandler(_ text: String) -> UnsafeBufferPointer<UInt8> {
  let bytes = Array(text.utf8)
  let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
  _ = copy.initialize(from: bytes)
  return UnsafeBufferPointer(copy)
}

/// Async-signal-safe: atomics, `write` and `_exit` only (no allocation, no lock).
private func handleInterruptSignal(_ number: Int32) {
  lastSignal.store(number, ordering: .releasing)
  let count = signalCount.add(1, ordering: .acquiringAndReleasing).newValue
  let message = count == 1 ? noticeBytes : exitNoticeBytes
  if let base = message.baseAddress { _ = write(2, base, message.count) }
  if count >= 2 { _exit(130) }
}
