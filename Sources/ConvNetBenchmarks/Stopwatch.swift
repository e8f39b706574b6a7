import Dispatch

/// Wall-clock timing on the monotonic clock (DispatchTime, CLOCK_MONOTONIC on Linux).
///
/// Every measurement runs warm-up iterations first (caches, scratch buffers and page faults
/// settle there) and reports medians, which shrug off the odd preempted run on a shared machine.
public enum Stopwatch {
  /// Seconds `body` took.
  public static func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  }

  /// Runs `body` `warmUp` times untimed, then `repeats` times timed one by one.
  /// - Returns: the `repeats` durations in seconds.
  public static func samples(warmUp: Int, repeats: Int, _ body: () -> Void) -> [Double] {
    precondition(repeats >= 1, "Stopwatch.samples: needs at least one repeat, got \(repeats)")
    for _ in 0..<warmUp { body() }
    return (0..<repeats).map { _ in seconds(body) }
  }

  /// Like `samples`, but picks the number of repeats from the duration of the first warm-up
  /// run so that the timed runs take about `budget` seconds, within `repeatRange`.
  /// The PyTorch peer (`bench/pytorch_peer.py`, `adaptive_samples`) uses the same rule.
  public static func adaptiveSamples(
    warmUp: Int, budget: Double, repeatRange: ClosedRange<Int>, _ body: () -> Void
  ) -> [Double] {
    let first = seconds(body)
    for _ in 1..<max(1, warmUp) { body() }
    let wanted = first > 0 ? Int(budget / first) : repeatRange.upperBound
    let repeats = min(max(wanted, repeatRange.lowerBound), repeatRange.upperBound)
    return samples(warmUp: 0, repeats: repeats, body)
  }
}

/// The median of `values` (the mean of the middle two for an even count).
public func median(_ values: [Double]) -> Double {
  precondition(!values.isEmpty, "median: no values")
  let sorted = values.sorted()
  let middle = sorted.count / 2
  return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
