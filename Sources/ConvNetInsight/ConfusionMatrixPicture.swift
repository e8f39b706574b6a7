import ConvNetDraw
import ConvNetTraining
import Foundation

/// The confusion matrix of an evaluation as a heat map: true classes down, predicted across,
/// counts in the cells, class names on both axes when the data has them.
public enum ConfusionMatrixPicture {
  /// The chart for `result`; `classNames[k]` labels class k (indices when nil or too short).
  public static func chart(_ result: EvaluationResult, classNames: [String]? = nil) throws -> HeatmapChart {
    let count = result.confusion.count
    let labels = (0..<count).map { k in
      classNames.flatMap { k < $0.count ? $0[k] : nil } ?? String(k)
    }
    var chart = try HeatmapChart(
      values: result.confusion.map { $0.map(Double.init) }, rowLabels: labels, columnLabels: labels)
    chart.title = String(
      format: "confusion matrix: %.2f%% of %@ right", Double(result.accuracy) * 100,
      groupedCount(result.count))
    chart.rowTitle = "true class"
    chart.columnTitle = "predicted class"
    // The diagonal dwarfs the confusions; a square-root colour scale keeps them visible.
    chart.squareRootColors = true
    return chart
  }

  /// The heat map picture.
  public static func render(_ result: EvaluationResult, classNames: [String]? = nil) throws -> Canvas {
    try chart(result, classNames: classNames).render()
  }
}

/// 10000 → "10,000".
func groupedCount(_ value: Int) -> String {
  let digits = Array(String(abs(value)))
  var text = ""
  for (index, digit) in digits.enumerated() {
    if index > 0 && (digits.count - index) % 3 == 0 { text.append(",") }
    text.append(digit)
  }
  return (value < 0 ? "-" : "") + text
}
