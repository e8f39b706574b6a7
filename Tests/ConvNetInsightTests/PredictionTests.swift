import ConvNet
import Foundation
import TestSupport
import XCTest

/// Per-class accuracy from a confusion matrix, per-sample predictions, and which samples the
/// report shows.
final class PredictionTests: XCTestCase {
  /// By hand: class 0 has 5 + 1 + 0 = 6 samples, 5 right, mistaken once for 1; class 1 has
  /// 2 + 6 + 2 = 10, 6 right, mistaken twice each for 0 and 2 (the tie goes to 0); class 2 has
  /// no samples (an accuracy of nothing, not 0); class 3: 4 of 4, never mistaken.
  func testPerClassAccuracyFromAHandMadeConfusionMatrix() {
    let confusion = [
      [5, 1, 0, 0],
      [2, 6, 2, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 4],
    ]
    let classes = ClassAccuracy.perClass(confusion: confusion)
    XCTAssertEqual(classes.map(\.samples), [6, 10, 0, 4])
    XCTAssertEqual(classes.map(\.correct), [5, 6, 0, 4])
    XCTAssertEqual(classes[0].accuracy!, 5.0 / 6.0, accuracy: 1e-12)
    XCTAssertEqual(classes[1].accuracy!, 0.6, accuracy: 1e-12)
    XCTAssertNil(classes[2].accuracy)
    XCTAssertEqual(classes[3].accuracy, 1)
    XCTAssertEqual(classes[0].mostConfusedWith?.label, 1)
    XCTAssertEqual(classes[0].mostConfusedWith?.count, 1)
    XCTAssertEqual(classes[1].mostConfusedWith?.label, 0)
    XCTAssertEqual(classes[1].mostConfusedWith?.count, 2)
    XCTAssertNil(classes[2].mostConfusedWith)
    XCTAssertNil(classes[3].mostConfusedWith)
  }

  /// The report's per-class table shows those numbers.
  func testReportPerClassTableShowsTheConfusionMatrixFigures() throws {
    let html = try ReportFixture.report().document().render()
    let result = try XCTUnwrap(ReportFixture.report().evaluation.value).samples.result
    let perClassSection = try XCTUnwrap(html.components(separatedBy: "<section id=\"per-class\">").last)
      .components(separatedBy: "</section>")[0]
    for (label, row) in result.confusion.enumerated() {
      let samples = row.reduce(0, +)
      let expected = String(format: "%.2f %%", Double(row[label]) / Double(samples) * 100)
      XCTAssertTrue(
        perClassSection.contains(
          "<th scope=\"row\">\(ReportFixture.classNames[label])</th><td class=\"num\">\(samples)</td><td class=\"num\">\(row[label])</td>"
        ),
        "class \(label)")
      XCTAssertTrue(perClassSection.contains(expected), "class \(label): \(expected)")
    }
  }

  /// classifyEachSample counts as evaluate does, and its per-sample classes are the softmax's.
  func testClassifyEachSampleAgreesWithEvaluate() throws {
    let model = RandomSource.withSeed(5) {
      try! Architectures.named("lenet5").build(inputChannels: 1, classCount: 10)
    }
    let loader = DataLoader(dataset: try EmbeddedMNIST.load(.test).prefix(150), batchSize: 64, shuffle: false)
    let expected = evaluate(model, on: loader, classCount: 10)
    let classified = classifyEachSample(model, on: loader, classCount: 10, topCount: 3)
    XCTAssertEqual(classified.result.confusion, expected.confusion)
    XCTAssertEqual(classified.result.accuracy, expected.accuracy)
    XCTAssertEqual(classified.result.loss, expected.loss, accuracy: 1e-5)
    XCTAssertEqual(classified.predictions.map(\.index), Array(0..<150))
    // Sample by sample: the probabilities are softmax(logits) of that image alone.
    let logits = withoutGradients {
      model.eval()
      return model(Variable(loader.makeBatch(indices: Array(0..<150)).images)).value
    }
    for (i, prediction) in classified.predictions.enumerated() {
      let row = Array(logits.scalars[(i * 10)..<(i * 10 + 10)])
      let top = row.max()!
      let exponentials = row.map { Foundation.exp(Double($0 - top)) }
      let sum = exponentials.reduce(0, +)
      let order = (0..<10).sorted { row[$0] > row[$1] }
      XCTAssertEqual(prediction.top.map(\.label), Array(order.prefix(3)), "sample \(i)")
      for entry in prediction.top {
        XCTAssertEqual(Double(entry.probability), exponentials[entry.label] / sum, accuracy: 1e-5)
      }
      XCTAssertEqual(
        Double(prediction.labelProbability), exponentials[prediction.label] / sum, accuracy: 1e-5)
      XCTAssertEqual(prediction.label, loader.dataset.label(at: i))
    }
  }

  func testShowcaseTakesOnePerClassInTurnAndTheMostConfidentMistakes() {
    func prediction(_ index: Int, label: Int, predicted: Int, confidence: Float) -> SamplePrediction {
      SamplePrediction(
        index: index, label: label, top: [.init(label: predicted, probability: confidence)],
        labelProbability: label == predicted ? confidence : 0)
    }
    let predictions = [
      prediction(0, label: 1, predicted: 1, confidence: 0.9),
      prediction(1, label: 1, predicted: 1, confidence: 0.8),
      prediction(2, label: 0, predicted: 2, confidence: 0.6),
      prediction(3, label: 2, predicted: 2, confidence: 0.7),
      prediction(4, label: 0, predicted: 1, confidence: 0.95),
      prediction(5, label: 0, predicted: 0, confidence: 0.5),
      prediction(6, label: 2, predicted: 0, confidence: 0.6),
    ]
    let chosen = SampleShowcase.choose(from: predictions, correctCount: 4, wrongCount: 2)
    // Correct, by class 0, 1, 2 then again: 5 (class 0), 0 (class 1), 3 (class 2), 1 (class 1).
    XCTAssertEqual(chosen.correct.map(\.index), [5, 0, 3, 1])
    // Wrong by confidence: 4 (0.95), then 2 and 6 tie at 0.6 — dataset order, 2 first.
    XCTAssertEqual(chosen.wrong.map(\.index), [4, 2])
    XCTAssertEqual(SampleShowcase.choose(from: predictions, correctCount: 10, wrongCount: 0).correct.count, 4)
  }

  func testSummaryTableHoldsLeNet5sFormulasAndTotals() throws {
    let model = try Architectures.named("lenet5").build(inputChannels: 1, classCount: 10)
    let table = ModelSummaryTable(
      ModelSummary(model: model, sampleShape: [1, 28, 28]), architecture: "lenet5")
    XCTAssertEqual(table.title, "lenet5 for input 1×28×28")
    XCTAssertEqual(
      table.rows.first,
      ["features.0", "Conv2d(1, 6, kernel 5, padding 2)", "6×28×28", "(5·5·1+1)·6 = 156", "117,600"])
    XCTAssertEqual(table.totals.first?.value, "61,706 (trainable 61,706)")
    let html = HTMLDocument(title: "t").render()
    XCTAssertFalse(html.isEmpty)
  }
}

/// The report's mistakes are the ones `mostConfidentMistakes` (a separate pass) finds.
final class ShowcaseAgreementTests: XCTestCase {
  func testWrongSamplesAreTheMostConfidentMistakes() throws {
    let model = RandomSource.withSeed(11) {
      try! Architectures.named("lenet5").build(inputChannels: 1, classCount: 10)
    }
    let loader = DataLoader(
      dataset: try EmbeddedMNIST.load(.test).prefix(300), batchSize: 100, shuffle: false)
    let classified = classifyEachSample(model, on: loader, classCount: 10)
    let shown = SampleShowcase.choose(from: classified.predictions, correctCount: 0, wrongCount: 8).wrong
    let expected = mostConfidentMistakes(model, on: loader, classCount: 10, limit: 8)
    XCTAssertEqual(shown.count, 8)
    XCTAssertEqual(shown.map(\.index), expected.map(\.index))
    XCTAssertEqual(shown.map(\.predicted), expected.map(\.predictedLabel))
  }
}
