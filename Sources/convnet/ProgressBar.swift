import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Shows training progress on standard error: a bar redrawn in place on a terminal, plain
/// lines (one every few seconds and one per epoch) when the output goes to a file or a pipe.
final class ProgressBar {
  private let isTerminal = isatty(STDERR_FILENO) != 0
  private var lastPlainLine = Date.distantPast
  private var lastDraw = Date.distantPast

  /// Updates the display for step `step` (1-based) of `total` in this epoch.
  func update(
    epoch: Int, epochs: Int, step: Int, total: Int, loss: Float, accuracy: Float,
    imagesPerSecond: Double, secondsRemaining: Double, unit: String = "img"
  ) {
    let now = Date()
    let stats = String(
      format: "loss %.4f  acc %5.1f%%  %@ %@/s  ETA %@", loss, accuracy * 100,
      formatCount(Int(imagesPerSecond)), unit, formatDuration(secondsRemaining))
    if isTerminal {
      // Redrawing costs a write per call; ten frames a second is smooth enough.
      guard step == total || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
      lastDraw = now
      let width = 24
      let filled = total > 0 ? width * step / total : width
      let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
      write("\r\u{1B}[2Kepoch \(epoch)/\(epochs) \(bar) \(step)/\(total)  \(stats)")
    } else if now.timeIntervalSince(lastPlainLine) >= 5 {
      lastPlainLine = now
      write("epoch \(epoch)/\(epochs) step \(step)/\(total)  \(stats)\n")
    }
  }

  /// Ends the in-place line (on a terminal) and prints `line`.
  func finish(_ line: String) {
    write(isTerminal ? "\r\u{1B}[2K\(line)\n" : "\(line)\n")
  }

  private func write(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
  }
}
