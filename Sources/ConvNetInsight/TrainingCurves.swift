import ConvNetDraw
import Foundation

/// The loss and accuracy curves of a training history, train against test, as two charts side
/// by side — what `convnet plot` draws.
///
/// The x axis counts epochs: a history line at run-wide step s sits at s / (steps per epoch),
/// so the curve of the step lines runs through the epoch points. Each panel has up to three
/// series: the training figure every N steps (a light line), the training figure per epoch and
/// the test figure per epoch (lines with markers).
public enum TrainingCurves {
  public static let trainColor = RGBColor(hex: 0x1F77B4)
  public static let testColor = RGBColor(hex: 0xE6550D)

  /// Steps in a full epoch: the largest step ÷ epoch of the epoch lines (a last epoch cut
  /// short has fewer); from the step lines when there is no epoch line.
  public static func stepsPerEpoch(_ history: TrainingHistory) -> Double {
    let fromEpochs = history.epochs.map { Double($0.step) / Double(max($0.epoch, 1)) }.max()
    if let fromEpochs, fromEpochs > 0 { return fromEpochs }
    // Only step lines: an epoch ends somewhere after the last step seen in it.
    let fromSteps = history.steps.map { Double($0.step) / Double(max($0.epoch, 1)) }.max()
    return max(fromSteps ?? 1, 1)
  }

  /// The loss panel.
  public static func lossChart(_ history: TrainingHistory) -> LineChart {
    var chart = LineChart(title: "loss", xTitle: "epoch", yTitle: "mean cross-entropy")
    chart.series = series(history, train: \.trainLoss, test: \.testLoss)
    chart.xIncludes = [0]
    chart.yIncludes = [0]
    return chart
  }

  /// The accuracy panel (tick labels in percent).
  public static func accuracyChart(_ history: TrainingHistory) -> LineChart {
    var chart = LineChart(title: "accuracy", xTitle: "epoch", yTitle: "correctly classified")
    chart.series = series(history, train: \.trainAccuracy, test: \.testAccuracy)
    chart.xIncludes = [0]
    chart.yPercent = true
    return chart
  }

  /// Both panels side by side, under `title` when given.
  /// - Throws: `DrawError` when the history has no lines or the size is not a canvas size.
  public static func render(
    _ history: TrainingHistory, title: String? = nil, width: Int = 1200, height: Int = 480
  ) throws -> Canvas {
    guard !history.entries.isEmpty else { throw DrawError("training history", "no lines to plot") }
    var canvas = try Canvas(width: width, height: height)
    var top = 0
    if let title {
      canvas.drawText(
        title, at: PixelPoint(x: width / 2, y: 10), color: RGBColor(hex: 0x202020), scale: 2,
        anchor: .topCenter)
      top = 10 + Canvas.textSize(title, scale: 2).height + 4
    }
    let half = width / 2
    lossChart(history).draw(on: &canvas, in: PixelRect(x: 0, y: top, width: half, height: height - top))
    accuracyChart(history).draw(
      on: &canvas, in: PixelRect(x: half, y: top, width: width - half, height: height - top))
    return canvas
  }

  private static func series(
    _ history: TrainingHistory, train: KeyPath<HistoryEntry, Float?>, test: KeyPath<HistoryEntry, Float?>
  ) -> [LineChart.Series] {
    let perEpoch = stepsPerEpoch(history)
    func points(_ entries: [HistoryEntry], _ value: KeyPath<HistoryEntry, Float?>) -> [ChartPoint] {
      entries.compactMap { entry in
        entry[keyPath: value].map { ChartPoint(x: Double(entry.step) / perEpoch, y: Double($0)) }
      }
    }
    var result: [LineChart.Series] = []
    let steps = history.steps
    let stepPoints = points(steps, train)
    if !stepPoints.isEmpty {
      let interval = steps.count > 1 ? steps[1].step - steps[0].step : steps[0].step
      result.append(
        LineChart.Series(
          name: "train, every \(interval) steps", points: stepPoints,
          color: trainColor.mixed(with: .white, fraction: 0.55),
          lineWidth: 2))
    }
    let epochs = history.epochs
    let trainPoints = points(epochs, train)
    if !trainPoints.isEmpty {
      result.append(
        LineChart.Series(
          name: "train, epoch", points: trainPoints, color: trainColor, lineWidth: 2, markerSize: 9))
    }
    let testPoints = points(epochs, test)
    if !testPoints.isEmpty {
      result.append(
        LineChart.Series(
          name: "test, epoch", points: testPoints, color: testColor, lineWidth: 2, markerSize: 9))
    }
    return result
  }
}
