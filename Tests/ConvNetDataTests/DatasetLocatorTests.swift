import ConvNetData
import Foundation
import XCTest

/// Format detection and opening of each layout.
final class DatasetLocatorTests: XCTestCase {
  func testIDXFolder() throws {
    let directory = try IDXTestDirectory()
    try directory.writeMNISTPair(labels: [0, 1, 2])
    try directory.writeMNISTPair(prefix: "t10k", labels: [2])
    XCTAssertEqual(try DatasetLocator.detect(path: directory.url), .idx)
    let opened = try DatasetLocator.open(path: directory.url)
    XCTAssertEqual(opened.format, .idx)
    XCTAssertEqual(opened.train.count, 3)
    XCTAssertEqual(opened.train.sampleShape, [1, 2, 3])
    XCTAssertEqual(opened.test?.count, 1)
    // A requested size or channel count resamples the stored images.
    let padded = try DatasetLocator.open(path: directory.url, imageSize: (4, 5), channels: 3)
    XCTAssertEqual(padded.train.sampleShape, [3, 4, 5])
    XCTAssertEqual(padded.test?.sampleShape, [3, 4, 5])
  }

  func testCIFAR10ArchiveFolderAndCIFAR100() throws {
    let directory = try IDXTestDirectory()
    try directory.write(
      path: "cifar-10-batches-bin/data_batch_1.bin", CIFARDatasetTests.cifar10File(labels: [1, 2]))
    try directory.write(
      path: "cifar-10-batches-bin/test_batch.bin", CIFARDatasetTests.cifar10File(labels: [3]))
    let opened = try DatasetLocator.open(path: directory.url)
    XCTAssertEqual(opened.format, .cifar10)
    XCTAssertEqual(opened.train.count, 2)
    XCTAssertEqual(opened.train.sampleShape, [3, 32, 32])
    XCTAssertEqual(opened.test?.count, 1)

    let hundred = try IDXTestDirectory()
    try hundred.write("train.bin", [1, 42] + CIFARDatasetTests.pixels(record: 0))
    let opened100 = try DatasetLocator.open(path: hundred.url)
    XCTAssertEqual(opened100.format, .cifar100)
    XCTAssertEqual(opened100.train.classCount, 100)
    XCTAssertEqual(opened100.train.label(at: 0), 42)
    XCTAssertNil(opened100.test)
  }

  func testClassFoldersWithAndWithoutTrainVal() throws {
    let png = ImageFolderTestFiles.png(width: 2, height: 2, grey: [0, 85, 170, 255])
    let plain = try IDXTestDirectory()
    try plain.write(path: "cats/1.png", png)
    try plain.write(path: "dogs/1.png", png)
    XCTAssertEqual(try DatasetLocator.detect(path: plain.url), .folder)
    let opened = try DatasetLocator.open(path: plain.url, imageSize: (4, 4), channels: 3)
    XCTAssertEqual(opened.format, .folder)
    XCTAssertEqual(opened.train.count, 2)
    XCTAssertEqual(opened.train.sampleShape, [3, 4, 4])
    XCTAssertEqual((opened.train as? ClassNamedDataset)?.classNames, ["cats", "dogs"])
    XCTAssertNil(opened.test)

    let split = try IDXTestDirectory()
    try split.write(path: "train/a/1.png", png)
    try split.write(path: "train/b/1.png", png)
    try split.write(path: "test/b/1.png", png)
    let openedSplit = try DatasetLocator.open(path: split.url, imageSize: (3, 3))
    XCTAssertEqual(openedSplit.train.count, 2)
    XCTAssertEqual(openedSplit.test?.count, 1)
    XCTAssertEqual(openedSplit.test?.sampleShape, [1, 3, 3])
    XCTAssertEqual(openedSplit.test?.label(at: 0), 1)
  }

  func testCSVFileAndKaggleFolder() throws {
    let directory = try IDXTestDirectory()
    let train = try directory.write("train.csv", Array("label,p0\n1,9\n0,8\n".utf8))
    XCTAssertEqual(try DatasetLocator.detect(path: train), .csv)
    XCTAssertEqual(try DatasetLocator.open(path: train).train.count, 2)
    // Kaggle's test.csv has no labels: the folder opens without a test set.
    try directory.write("test.csv", Array("p0\n5\n".utf8))
    let kaggle = try DatasetLocator.open(path: directory.url)
    XCTAssertEqual(kaggle.format, .csv)
    XCTAssertNil(kaggle.test)
    try directory.write("test.csv", Array("label,p0\n1,5\n".utf8))
    XCTAssertEqual(try DatasetLocator.open(path: directory.url).test?.count, 1)
  }

  func testUnrecognisedFolderListsWhatWasLookedFor() throws {
    let directory = try IDXTestDirectory()
    try directory.write("README.md", Array("nothing here".utf8))
    XCTAssertThrowsError(try DatasetLocator.detect(path: directory.url)) { error in
      let error = error as? DataError
      XCTAssertEqual(error?.file, directory.url.path)
      XCTAssertEqual(error?.field, "dataset")
      for layout in DatasetLocator.recognisedLayouts {
        XCTAssertTrue(error?.problem.contains(layout) ?? false, layout)
      }
    }
    XCTAssertThrowsError(
      try DatasetLocator.detect(path: directory.url.appendingPathComponent("missing"))
    ) { XCTAssertEqual(($0 as? DataError)?.problem, "not found") }
  }

  func testExplicitFormatOverridesDetection() throws {
    let directory = try IDXTestDirectory()
    try directory.writeMNISTPair(labels: [0])
    XCTAssertThrowsError(try DatasetLocator.open(path: directory.url, format: .cifar10)) {
      XCTAssertEqual(($0 as? DataError)?.field, "data_batch_1.bin")
    }
  }
}
