import ConvNet
import Foundation
import XCTest

/// Gathering the report from a run's records and a model.
final class ReportMakerTests: XCTestCase {
  func testShellWordsQuoteWhatAShellWouldSplitOrExpand() {
    XCTAssertEqual(
      ShellWords.join([
        "convnet", "train", "--data", "my data", "--lr", "0.05", "--augment", "crop:32:4,flip-h", "it's",
        "$HOME", "猫",
      ]),
      #"convnet train --data 'my data' --lr 0.05 --augment crop:32:4,flip-h 'it'\''s' '$HOME' 猫"#)
    XCTAssertEqual(ShellWords.quote(""), "''")
  }

  func testMakerTakesSettingsHistoryAndNamesFromTheRun() throws {
    var description = RunDescription(
      architecture: "lenet5", parameterCount: 61706,
      settings: ["zeta": "1", "lr": "0.05", "epochs": "2", "data": "<bundled>", "alpha": "x"],
      dataset: RunDescription.Dataset(
        name: "digits train", trainCount: 512, testCount: 100, sampleShape: [1, 28, 28], classCount: 10,
        classNames: ReportFixture.classNames),
      command: ["convnet", "train", "--epochs", "2", "--data", "a b"],
      started: Date(timeIntervalSince1970: 1_800_000_000))
    description.weights = "w.safetensors"
    let history = TrainingHistory(entries: [
      HistoryEntry(kind: .step, epoch: 1, step: 5, trainLoss: 2.2, wallTime: 1, elapsedSeconds: 1),
      HistoryEntry(
        kind: .epoch, epoch: 1, step: 8, trainLoss: 2.0, trainAccuracy: 0.25, testLoss: 1.5,
        testAccuracy: 0.5,
        learningRate: 0.05, epochSeconds: 3.25, wallTime: 2, elapsedSeconds: 2),
      HistoryEntry(
        kind: .epoch, epoch: 2, step: 16, trainLoss: 1.0, trainAccuracy: 0.75, testLoss: 0.5,
        testAccuracy: 0.875,
        learningRate: 0.01, epochSeconds: 70, wallTime: 3, elapsedSeconds: 3),
    ])
    let model = RandomSource.withSeed(2) {
      try! Architectures.named("lenet5").build(inputChannels: 1, classCount: 10)
    }
    let test = try EmbeddedMNIST.load(.test).prefix(100)
    let maker = TrainingReportMaker(
      description: description, history: .shown(history), architecture: "lenet5", model: model,
      testSet: .shown(test), transform: .unitRange, classCount: 10)
    let report = maker.make(made: Date(timeIntervalSince1970: 1_800_000_060))

    XCTAssertEqual(report.title, "lenet5 on digits train")
    XCTAssertEqual(report.subtitle, "run started 2027-01-15 08:00 UTC · report made 2027-01-15 08:01 UTC")
    XCTAssertEqual(report.command, "convnet train --epochs 2 --data 'a b'")
    XCTAssertEqual(
      report.settings.map(\.key),
      ["architecture", "dataset", "data", "epochs", "lr", "alpha", "zeta", "weights"])
    XCTAssertEqual(report.settings[1].value, "digits train: 512 train / 100 test images, 1×28×28, 10 classes")
    XCTAssertEqual(report.classNames, ReportFixture.classNames)
    let rows = try XCTUnwrap(report.history.value)
    XCTAssertEqual(rows.map(\.epoch), [1, 2])
    XCTAssertEqual(rows.map(\.testAccuracy), [0.5, 0.875])
    XCTAssertEqual(rows.map(\.seconds), [3.25, 70])
    let evaluation = try XCTUnwrap(report.evaluation.value)
    XCTAssertEqual(evaluation.samples.result.count, 100)
    XCTAssertEqual(evaluation.datasetName, test.name)

    let html = report.document().render()
    XCTAssertTrue(html.contains("<td class=\"num\">1:10</td>"), "70 s as 1:10")
    XCTAssertTrue(html.contains("<td class=\"num\">3.2 s</td>"), "3.25 s")
    XCTAssertTrue(html.contains("<td class=\"num\">87.50 %</td>"))
  }

  func testWithoutATestSetTheEvaluationPartsSayWhy() throws {
    let model = try Architectures.named("lenet5").build(inputChannels: 1, classCount: 10)
    let maker = TrainingReportMaker(
      description: nil, history: .missing(reason: "no history here"), architecture: "lenet5", model: model,
      testSet: .missing(reason: "no test set here"), transform: .unitRange, classCount: 10)
    let report = maker.make()
    XCTAssertEqual(report.title, "lenet5 training report")
    let html = report.document().render()
    XCTAssertEqual(html.components(separatedBy: "no test set here").count - 1, 3)
    XCTAssertTrue(html.contains("no history here"))
    // No dataset recorded and no test set: the summary has no input shape to run on.
    XCTAssertTrue(html.contains("The input shape is unknown"))
  }

  /// The report is written whole or not at all, and a bad path is one clear error.
  func testWriteNamesTheFileWhenItCannotWrite() throws {
    let report = try ReportFixture.report()
    XCTAssertThrowsError(try report.write(to: URL(fileURLWithPath: "/nonexistent-folder/report.html"))) {
      error in
      XCTAssertTrue(
        "\(error)".hasPrefix("/nonexistent-folder/report.html: cannot write the report"), "\(error)")
    }
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "report-\(UUID().uuidString).html")
    defer { try? FileManager.default.removeItem(at: url) }
    try report.write(to: url)
    XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), report.document().render())
  }

  /// The sample cards' pictures are the test images themselves: the embedded PNG decodes to
  /// the digit's 8-bit pixels.
  func testThumbnailsAreTheTestImages() throws {
    let evaluation = try XCTUnwrap(ReportFixture.report().evaluation.value)
    XCTAssertEqual(evaluation.thumbnails.count, 16)
    let test = try EmbeddedMNIST.load(.test)
    for (index, png) in evaluation.thumbnails {
      let image = try PNGDecoder.decode(png, name: "thumbnail \(index)")
      XCTAssertEqual([image.channels, image.height, image.width], [1, 28, 28])
      var expected = [Float](repeating: 0, count: 784)
      expected.withUnsafeMutableBufferPointer {
        test.writeImage(at: index, into: $0.baseAddress!, transform: .unitRange)
      }
      // As bytes: the decoder divides by 255, the dataset multiplies by 1/255 (one ulp apart).
      XCTAssertEqual(
        image.pixels.map { Int(($0 * 255).rounded()) }, expected.map { Int(($0 * 255).rounded()) },
        "test image \(index)")
      XCTAssertGreaterThan(expected.filter { $0 > 0.5 }.count, 20, "a digit, not a blank")
    }
    let html = try ReportFixture.report().document().render()
    let samples = try XCTUnwrap(html.components(separatedBy: "<section id=\"samples\">").last)
      .components(separatedBy: "</section>")[0]
    XCTAssertEqual(samples.components(separatedBy: "<img src=\"data:image/png;base64,").count - 1, 16)
  }

  /// Feature maps: LeNet-5's four conv/pool blocks (features.0 conv, .2 pool, .3
  /// conv, .5 pool — see its summary table); Grad-CAM: two correct images and the most
  /// confident mistake. Every picture is a PNG the project's decoder reads.
  func testFeatureMapsAndGradCAMPictures() throws {
    let report = try ReportFixture.report()
    let maps = try XCTUnwrap(report.featureMaps.value)
    XCTAssertEqual(
      maps.map(\.alternativeText),
      [
        "feature maps of features.0", "feature maps of features.2", "feature maps of features.3",
        "feature maps of features.5",
      ])
    let cams = try XCTUnwrap(report.gradCAM.value)
    XCTAssertEqual(cams.count, 3)
    let evaluation = try XCTUnwrap(report.evaluation.value)
    let mistake = try XCTUnwrap(
      SampleShowcase.choose(from: evaluation.samples.predictions, correctCount: 0, wrongCount: 1).wrong.first)
    XCTAssertEqual(cams[2].alternativeText, "Grad-CAM of test image \(mistake.index)")
    XCTAssertTrue(
      cams[2].caption?.contains("wrongly classified as \(ReportFixture.classNames[mistake.predicted])")
        == true)
    for figure in maps + cams {
      let image = try PNGDecoder.decode(figure.png, name: figure.alternativeText)
      XCTAssertEqual(image.channels, 3)
      XCTAssertGreaterThan(image.width, 100)
    }
  }

  /// The curves are drawn from the history; a confusion matrix over 20 classes becomes a
  /// heat-map picture instead of a table.
  func testCurvesAndLargeConfusionMatrixArePictures() throws {
    let report = try ReportFixture.report()
    let curves = try XCTUnwrap(report.curves.value)
    XCTAssertEqual(curves.count, 1)
    let picture = try PNGDecoder.decode(curves[0].png, name: "curves")
    XCTAssertEqual(picture.width, TrainingReportMaker.curvesWidth)
    XCTAssertNil(report.confusionPicture, "10 classes: a table")

    let model = RandomSource.withSeed(3) {
      try! Architectures.named("lenet5").build(inputChannels: 1, classCount: 25)
    }
    let maker = TrainingReportMaker(
      description: nil, history: .missing(reason: "none"), architecture: "lenet5", model: model,
      testSet: .shown(try EmbeddedMNIST.load(.test).prefix(50)), transform: .unitRange, classCount: 25)
    let large = maker.make()
    let heatMap = try XCTUnwrap(large.confusionPicture)
    XCTAssertNoThrow(try PNGDecoder.decode(heatMap.png, name: "confusion"))
    let html = large.document().render()
    let section = try XCTUnwrap(html.components(separatedBy: "<section id=\"confusion\">").last)
      .components(separatedBy: "</section>")[0]
    XCTAssertTrue(section.contains("alt=\"confusion matrix heat map\""))
    XCTAssertFalse(section.contains("<table"))
  }
}
