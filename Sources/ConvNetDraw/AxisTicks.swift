import Foundation

/// Round, evenly spaced tick values for a chart axis: the step is 1, 2 or 5 × 10^k — the
/// smallest such step that covers the data in at most `maximumIntervals` intervals — and the
/// ticks run from the last multiple of the step at or below the data's minimum to the first
/// at or above its maximum, so the axis starts and ends on a labelled tick.
public struct AxisTicks: Equatable, Sendable {
  /// The first tick (≤ the data's minimum).
  public let low: Double
  /// The last tick (≥ the data's maximum).
  public let high: Double
  /// The distance between ticks: 1, 2 or 5 × 10^k.
  public let step: Double
  /// The tick positions, low … high.
  public let values: [Double]

  /// Ticks covering `minimum`…`maximum`. An empty span (all data equal) is widened around the
  /// value; non-finite bounds give the axis 0…1.
  public init(covering minimum: Double, _ maximum: Double, maximumIntervals: Int = 5) {
    var lower = min(minimum, maximum)
    var upper = max(minimum, maximum)
    if !lower.isFinite || !upper.isFinite {
      lower = 0
      upper = 1
    }
    if upper - lower <= abs(upper) * 1e-12 {
      let half = lower == 0 ? 1 : abs(lower) * 0.1
      lower -= half
      upper += half
    }
    let step = AxisTicks.niceStep(atLeast: (upper - lower) / Double(max(maximumIntervals, 1)))
    // A tiny tolerance keeps 0.3/0.1 = 2.9999… from adding a tick below 0.3 (and 0/0.2 from
    // one below 0).
    let first = (lower / step + 1e-9).rounded(.down)
    let last = (upper / step - 1e-9).rounded(.up)
    self.step = step
    values = stride(from: first, through: last, by: 1).map { AxisTicks.clean($0 * step, step: step) }
    low = values.first ?? lower
    high = values.last ?? upper
  }

  /// The smallest 1, 2 or 5 × 10^k that is ≥ `span` (> 0).
  public static func niceStep(atLeast span: Double) -> Double {
    guard span > 0 && span.isFinite else { return 1 }
    let power = pow(10, (log10(span)).rounded(.down))
    for mantissa in [1.0, 2, 5, 10] where mantissa * power >= span * (1 - 1e-12) {
      return mantissa * power
    }
    return 10 * power
  }

  /// `value` written with as many decimals as the step needs ("0.25", "1000", "-0.5"); with
  /// `percent`, value × 100 followed by "%" ("97.5%").
  public func label(_ value: Double, percent: Bool = false) -> String {
    let shown = percent ? value * 100 : value
    let shownStep = percent ? step * 100 : step
    let decimals = max(0, Int((-log10(shownStep) - 1e-9).rounded(.up)))
    let text = String(format: "%.\(decimals)f", abs(shown) < shownStep * 1e-6 ? 0 : shown)
    return percent ? text + "%" : text
  }

  /// Rounds away the binary noise of `index · step` (3 · 0.1 = 0.30000000000000004).
  private static func clean(_ value: Double, step: Double) -> Double {
    let decimals = max(0, Int((-log10(step)).rounded(.up)) + 2)
    let scale = pow(10, Double(decimals))
    return decimals > 15 ? value : (value * scale).rounded() / scale
  }
}
