import ConvNet
import Foundation
import TestSupport
import XCTest

/// Training text classifiers on a generated planted-phrase sentiment set, saving, resuming,
/// and the errors a user can meet.
///
/// The set: reviews of 6–30 characters drawn from 40 neutral CJK characters, each with one
/// planted "好" (class pos) or "差" (class neg) at a random place. The label is a function of
/// that one token, so a perfect classifier exists; a model that has not found it scores 50 %
/// on average (binomial standard deviation 6.5 points on the 60 test reviews), so a test
/// accuracy ≥ 95 % (57 of 60) is out of reach of chance by more than 6 standard deviations
/// and shows that the model found the planted token wherever it sits in the review.
final class TextClassifierTrainingTests: XCTestCase {
  static let filler: [Character] = (0..<40).map { Character(Unicode.Scalar(0x4E00 + 7 * $0)!) }

  static func plantedReviews(count: Int = 600, seed: UInt64 = 5) -> LabeledTextDataset {
    var generator = SeededGenerator(seed: seed)
    var texts: [String] = []
    var labels: [Int] = []
    for i in 0..<count {
      let label = i % 2  // 0 = neg (差), 1 = pos (好): class names sort "neg" < "pos"
      let length = 6 + Int(generator.next() % 25)
      var characters = (0..<length).map { _ in filler[Int(generator.next() % UInt64(filler.count))] }
      characters.insert(label == 1 ? "好" : "差", at: Int(generator.next() % UInt64(length + 1)))
      texts.append(String(characters))
      labels.append(label)
    }
    return LabeledTextDataset(name: "planted", texts: texts, labels: labels, classNames: ["neg", "pos"])
  }

  static func settings(_ kind: TextClassifierDescription.Kind, epochs: Int = 4) -> TextClassifierSettings {
    var settings = TextClassifierSettings()
    settings.architecture = kind
    settings.embeddingSize = 16
    settings.filters = 16
    settings.hiddenSize = 16
    settings.epochs = epochs
    settings.batchSize = 16
    settings.learningRate = 0.01
    settings.minimumCount = 1
    return settings
  }

  func temporaryURL(_ name: String) -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("text-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
    return folder.appendingPathComponent(name)
  }

  func assertLearnsPlantedToken(_ kind: TextClassifierDescription.Kind, epochs: Int) throws {
    let run = try TextClassifierTraining.prepare(Self.plantedReviews(), settings: Self.settings(kind, epochs: epochs))
    XCTAssertEqual([run.training.count, run.validation.count, run.test.count], [480, 60, 60])
    var validationAccuracies: [Double] = []
    try run.run(progress: { event in
      if case .epoch(let summary) = event { validationAccuracies.append(summary.validation.accuracy) }
    })
    XCTAssertEqual(validationAccuracies.count, epochs)
    let metrics = try run.classifier.evaluate(run.test)
    XCTAssertGreaterThanOrEqual(metrics.accuracy, 0.95, "\(kind.rawValue) test accuracy")
    XCTAssertGreaterThanOrEqual(try XCTUnwrap(metrics.auc), 0.95, "\(kind.rawValue) test AUC")
    XCTAssertEqual(metrics.confusion.flatMap { $0 }.reduce(0, +), 60)
    let filler = String(Self.filler.prefix(12))
    let verdicts = run.classifier.classify([filler.prefix(5) + "好" + filler.suffix(7), filler + "差"])
    XCTAssertEqual(verdicts.map(\.className), ["pos", "neg"], kind.rawValue)
  }

  func testTextCNNLearnsThePlantedToken() throws { try assertLearnsPlantedToken(.textCNN, epochs: 4) }
  func testEmbeddingLogisticLearnsThePlantedToken() throws {
    try assertLearnsPlantedToken(.embeddingLogistic, epochs: 4)
  }
  func testBiLSTMLearnsThePlantedToken() throws { try assertLearnsPlantedToken(.biLSTM, epochs: 4) }

  /// English with the word tokenizer: the vocabulary holds words (lower-cased), and the planted
  /// word decides the class.
  func testWordTokenizerForEnglish() throws {
    let words = ["the", "film", "plot", "actor", "was", "quite", "and", "a", "very", "story", "it", "seemed"]
    var generator = SeededGenerator(seed: 9)
    var texts: [String] = []
    for i in 0..<400 {
      var sentence = (0..<(4 + Int(generator.next() % 8))).map { _ in words[Int(generator.next() % 12)] }
      sentence.insert(i % 2 == 1 ? "Good" : "bad", at: Int(generator.next() % UInt64(sentence.count + 1)))
      texts.append(sentence.joined(separator: " ") + ".")
    }
    let data = LabeledTextDataset(
      name: "english", texts: texts, labels: (0..<400).map { $0 % 2 }, classNames: ["neg", "pos"])
    var settings = Self.settings(.embeddingLogistic, epochs: 6)
    settings.tokenizer = .words
    let run = try TextClassifierTraining.prepare(data, settings: settings)
    // 4 specials + 12 filler words + "good", "bad", ".".
    XCTAssertEqual(run.classifier.vocabulary.count, 19)
    XCTAssertTrue(run.classifier.vocabulary.contains("good"))
    try run.run()
    XCTAssertGreaterThanOrEqual(try run.classifier.evaluate(run.test).accuracy, 0.95)
    XCTAssertEqual(run.classifier.classify(["A very GOOD film.", "the story was bad"]).map(\.className), ["pos", "neg"])
  }

  /// Two epochs in one run, and one epoch saved then resumed for the second, give the same
  /// weights bit for bit (Adam's state, the dropout generator and the batch order are restored).
  func testResumeContinuesExactly() throws {
    let data = Self.plantedReviews(count: 200)
    let whole = try TextClassifierTraining.prepare(data, settings: Self.settings(.textCNN, epochs: 2))
    try whole.run()
    let url = temporaryURL("cnn.safetensors")
    let first = try TextClassifierTraining.prepare(data, settings: Self.settings(.textCNN, epochs: 1))
    try first.run(checkpoint: { try $0.save(to: url) })
    let resumed = try TextClassifierTraining.resume(from: url, dataset: data, epochs: 2)
    XCTAssertEqual(resumed.completedEpochs, 1)
    try resumed.run()
    XCTAssertEqual(resumed.completedEpochs, 2)
    let expected = whole.classifier.model.stateDict()
    let actual = resumed.classifier.model.stateDict()
    XCTAssertEqual(actual.map(\.name), expected.map(\.name))
    for (a, b) in zip(actual, expected) { XCTAssertEqual(a.value.scalars, b.value.scalars, a.name) }
  }

  /// The saved file classifies as the trained model did, with the same vocabulary.
  func testSavedClassifierClassifiesAsTrained() throws {
    let data = Self.plantedReviews(count: 200)
    let run = try TextClassifierTraining.prepare(data, settings: Self.settings(.embeddingLogistic, epochs: 1))
    try run.run()
    let url = temporaryURL("bag.safetensors")
    try run.save(to: url)
    let loaded = try TextClassifier(contentsOf: url)
    XCTAssertEqual(loaded.vocabulary, run.classifier.vocabulary)
    XCTAssertEqual(loaded.classNames, ["neg", "pos"])
    XCTAssertEqual(loaded.maximumLength, 200)
    XCTAssertEqual(loaded.probabilities(data.texts), run.classifier.probabilities(data.texts))
  }

  func testUnknownLabelIsNamed() throws {
    let run = try TextClassifierTraining.prepare(Self.plantedReviews(count: 100), settings: Self.settings(.embeddingLogistic))
    let other = LabeledTextDataset(name: "other.tsv", texts: ["好", "差"], labels: [0, 1], classNames: ["meh", "pos"])
    XCTAssertThrowsError(try run.classifier.evaluate(other)) {
      XCTAssertEqual("\($0)", "other.tsv: label \"meh\" is not one of the classifier's classes (neg, pos)")
    }
    // Resuming on other data is refused too.
    let url = temporaryURL("w.safetensors")
    try run.save(to: url)
    XCTAssertThrowsError(try TextClassifierTraining.resume(from: url, dataset: other, epochs: 2)) {
      XCTAssertTrue("\($0)".contains("resume on the same data"), "\($0)")
    }
  }

  func testEmptyFilesAreRefused() throws {
    let empty = temporaryURL("empty.tsv")
    try Data().write(to: empty)
    XCTAssertThrowsError(try LabeledTextDataset.read(contentsOf: empty)) {
      XCTAssertTrue("\($0)".hasPrefix(empty.path) || "\($0)".hasPrefix("empty.tsv"), "\($0)")
    }
    let headerOnly = temporaryURL("header.tsv")
    try Data("text\tlabel\n".utf8).write(to: headerOnly)
    XCTAssertThrowsError(try LabeledTextDataset.read(contentsOf: headerOnly)) {
      XCTAssertTrue("\($0)".contains("0 distinct label(s) in 0 rows, expected at least 2 classes"), "\($0)")
    }
  }

  func testTooFewTextsAndBadSettingsAreNamed() throws {
    let tiny = LabeledTextDataset(name: "tiny.tsv", texts: ["好", "差"], labels: [1, 0], classNames: ["neg", "pos"])
    XCTAssertThrowsError(try TextClassifierTraining.prepare(tiny, settings: Self.settings(.textCNN))) {
      XCTAssertTrue("\($0)".hasPrefix("tiny.tsv: rows are 2, too few for a"), "\($0)")
    }
    var settings = Self.settings(.textCNN)
    settings.testFraction = 0.95
    XCTAssertThrowsError(try TextClassifierTraining.prepare(Self.plantedReviews(count: 50), settings: settings)) {
      XCTAssertEqual(($0 as? SettingError)?.setting, "validationFraction", "\($0)")
    }
  }
}
