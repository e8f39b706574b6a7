import ConvNet
import Foundation
import XCTest

/// The curves, confusion-matrix and mistakes pictures built from a run's numbers.
final class TrainingPicturesTests: XCTestCase {
  private func entry(_ kind: HistoryEntry.Kind, epoch: Int, step: Int, train: Float, test: Float? = nil)
    -> HistoryEntry
  {
    HistoryEntry(
      kind: kind, epoch: epoch, step: step, trainLoss: train, trainAccuracy: 1 - train / 4, testLoss: test,
      testAccuracy: test.map { 1 - $0 / 4 }, wallTime: 0, elapsedSeconds: 0)
  }

  /// 100 steps per epoch (epoch lines at 100, 200 and a cut-short third at 250); the x axis is
  /// step / 100, so the step line at 50 sits at epoch 0.5 and the epoch lines at 1, 2, 2.5.
  func testCurvesSeries() throws {
    let history = TrainingHistory(entries: [
      entry(.step, epoch: 1, step: 50, train: 2), entry(.step, epoch: 1, step: 100, train: 1.5),
      entry(.epoch, epoch: 1, step: 100, train: 1.6, test: 1.2), entry(.step, epoch: 2, step: 150, train: 1),
      entry(.epoch, epoch: 2, step: 200, train: 1.1, test: 0.9),
      entry(.epoch, epoch: 3, step: 250, train: 0.8, test: 0.7),
    ])
    XCTAssertEqual(TrainingCurves.stepsPerEpoch(history), 100)
    let loss = TrainingCurves.lossChart(history)
    XCTAssertEqual(loss.series.map(\.name), ["train, every 50 steps", "train, epoch", "test, epoch"])
    XCTAssertEqual(
      loss.series[0].points, [ChartPoint(x: 0.5, y: 2), ChartPoint(x: 1, y: 1.5), ChartPoint(x: 1.5, y: 1)])
    XCTAssertEqual(loss.series[2].points.map(\.x), [1, 2, 2.5])
    XCTAssertEqual(loss.series[2].points.map(\.y), [1.2, 0.9, 0.7].map { Double(Float($0)) })
    XCTAssertEqual(loss.ticks.y.low, 0, "the loss axis starts at 0")
    let accuracy = TrainingCurves.accuracyChart(history)
    XCTAssertTrue(accuracy.yPercent)
    XCTAssertEqual(accuracy.series[1].points.map(\.y), [0.6, 0.725, 0.8].map { Double(Float($0)) })
    let picture = try TrainingCurves.render(history, title: "run", width: 800, height: 300)
    XCTAssertEqual(picture.width, 800)
    XCTAssertThrowsError(try TrainingCurves.render(TrainingHistory(entries: [])))
  }

  /// Class names label the heat map when there are enough of them; indices otherwise.
  func testConfusionMatrixLabels() throws {
    let dataset = ImageClassificationDataset(
      name: "two", pixels: [0, 0, 255, 255], labels: [0, 1, 1, 0], sampleShape: [1, 1, 1], classCount: 2)
    let model = Sequential {
      Flatten()
      Linear(1, 2)
    }
    let result = evaluate(
      model, on: DataLoader(dataset: dataset, batchSize: 4, shuffle: false), classCount: 2)
    let named = try ConfusionMatrixPicture.chart(result, classNames: ["cat", "dog"])
    XCTAssertEqual(named.rowLabels, ["cat", "dog"])
    XCTAssertEqual(named.values.joined().reduce(0, +), 4)
    XCTAssertEqual(try ConfusionMatrixPicture.chart(result, classNames: ["cat"]).columnLabels, ["cat", "1"])
    XCTAssertEqual(try ConfusionMatrixPicture.chart(result).columnLabels, ["0", "1"])
  }

  /// 3 mistakes in 2 columns: 2 rows of tiles; the first tile shows the first mistake's image
  /// (a white 2×2 image enlarged 42× to 84 pixels).
  func testMistakesGrid() throws {
    let dataset = ImageClassificationDataset(
      name: "tiny", pixels: [UInt8](repeating: 255, count: 4) + [UInt8](repeating: 0, count: 8),
      labels: [0, 1, 1], sampleShape: [1, 2, 2], classCount: 2)
    let mistakes = [
      ClassificationMistake(
        index: 0, trueLabel: 0, predictedLabel: 1, probability: 0.9, trueProbability: 0.1),
      ClassificationMistake(
        index: 1, trueLabel: 1, predictedLabel: 0, probability: 0.8, trueProbability: 0.2),
      ClassificationMistake(
        index: 2, trueLabel: 1, predictedLabel: 0, probability: 0.7, trueProbability: 0.3),
    ]
    let one = try MistakesPicture.render(Array(mistakes.prefix(2)), from: dataset, columns: 2)
    let two = try MistakesPicture.render(mistakes, from: dataset, columns: 2)
    XCTAssertEqual(one.width, two.width)
    XCTAssertGreaterThan(two.height, one.height + 84)
    // The title row is 18 + 2·10 pixels high, so the first tile's image starts at (10, 38);
    // tiles are as wide as the widest caption, "p = 0.900" (9 · 12 − 2 = 106), plus 2 · 10.
    XCTAssertEqual(two.pixel(x: 10 + 40, y: 38 + 40), .white)
    XCTAssertEqual(two.pixel(x: 10 + 126 + 40, y: 38 + 40), .black)
    XCTAssertThrowsError(try MistakesPicture.render([], from: dataset))
  }
}
