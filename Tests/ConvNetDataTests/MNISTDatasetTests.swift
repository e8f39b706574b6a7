import ConvNetData
import Foundation
import XCTest

/// Loading MNIST-style directories: the embedded MNIST, and small pairs written by the test.
final class MNISTDatasetTests: XCTestCase {
  func testEmbeddedMNIST() throws {
    // Counts from the embedded README (also published by many MNIST tutorials).
    let train = try EmbeddedMNIST.load(.train)
    XCTAssertEqual(train.count, 60_000)
    XCTAssertEqual(train.sampleShape, [1, 28, 28])
    XCTAssertEqual(train.classCount, 10)
    XCTAssertEqual(train.pixels.count, 60_000 * 784)
    XCTAssertEqual(
      train.labelCounts(), [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])

    let test = try EmbeddedMNIST.load(.test)
    XCTAssertEqual(test.count, 10_000)
    XCTAssertEqual(test.sampleShape, [1, 28, 28])
    XCTAssertEqual(test.labelCounts(), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
    // The first training digit is a 5, the first test digit a 7 (the well-known first samples).
    XCTAssertEqual(train.label(at: 0), 5)
    XCTAssertEqual(test.label(at: 0), 7)
  }

  func testSmallPairRoundTrips() throws {
    let directory = try IDXTestDirectory()
    try directory.writeMNISTPair(labels: [3, 0, 1])
    let dataset = try ImageClassificationDataset.mnistStyle(directory: directory.url, split: .train)
    XCTAssertEqual(dataset.count, 3)
    XCTAssertEqual(dataset.sampleShape, [1, 2, 3])
    XCTAssertEqual(dataset.classCount, 4)  // largest label + 1
    XCTAssertEqual(dataset.labels, [3, 0, 1])
    XCTAssertEqual(dataset.pixels, IDXTestDirectory.testPixels(count: 3, height: 2, width: 3))
    XCTAssertEqual(dataset.name, "\(directory.url.lastPathComponent) train")
    var image = [Float](repeating: -1, count: 6)
    dataset.writeImage(at: 2, into: &image, transform: PixelTransform(scale: 1))
    XCTAssertEqual(image, [20, 21, 22, 23, 24, 25])
  }

  func testDotSpellingAndTestSplit() throws {
    let directory = try IDXTestDirectory()
    try directory.writeMNISTPair(
      prefix: "t10k", labels: [1, 1], imageName: "t10k-images.idx3-ubyte",
      labelName: "t10k-labels.idx1-ubyte")
    let test = try ImageClassificationDataset.mnistStyle(
      directory: directory.url, split: .test, classCount: 10)
    XCTAssertEqual(test.count, 2)
    XCTAssertEqual(test.classCount, 10)
    XCTAssertEqual(test.labelCounts(), [0, 2, 0, 0, 0, 0, 0, 0, 0, 0])
  }

  func testGzipFileIsFoundAndDecoded() throws {
    let directory = try IDXTestDirectory()
    try directory.writeMNISTPair(labels: [9, 9, 9], labelName: "unused")
    // A gzip IDX label file made by Python: labels 0, 1, 2.
    try directory.write("train-labels-idx1-ubyte.gz", GzipFixtures.labelsIDXGzip)
    let dataset = try ImageClassificationDataset.mnistStyle(directory: directory.url, split: .train)
    XCTAssertEqual(dataset.labels, [0, 1, 2])
    XCTAssertEqual(dataset.classCount, 3)
  }

  func testMissingFileIsReported() throws {
    let directory = try IDXTestDirectory()
    assertDataError(
      try ImageClassificationDataset.mnistStyle(directory: directory.url, split: .test),
      [directory.url.path, "t10k-images-idx3-ubyte not found", "t10k-images.idx3-ubyte.gz"])
  }

  func testMismatchedCounts() throws {
    let directory = try IDXTestDirectory()
    try directory.writeMNISTPair(labels: [1, 2, 3])
    try directory.write(
      "train-labels-idx1-ubyte", IDXTestDirectory.header(type: 0x08, dimensions: [2]) + [1, 2])
    assertDataError(
      try ImageClassificationDataset.mnistStyle(directory: directory.url, split: .train),
      [
        // Both files by their full paths.
        directory.url.appendingPathComponent("train-labels-idx1-ubyte").path
          + ": label count 2, expected 3 to match the image count of "
          + directory.url.appendingPathComponent("train-images-idx3-ubyte").path
      ])
  }

  func testImagesOfWrongRank() throws {
    let directory = try IDXTestDirectory()
    try directory.writeMNISTPair(labels: [1, 2])
    try directory.write(
      "train-images-idx3-ubyte",
      IDXTestDirectory.header(type: 0x08, dimensions: [2, 6]) + [UInt8](repeating: 0, count: 12))
    assertDataError(
      try ImageClassificationDataset.mnistStyle(directory: directory.url, split: .train),
      [
        "train-images-idx3-ubyte: magic number 0x00000802 (unsigned byte, 2 dimensions), "
          + "expected 0x00000803 (unsigned byte, 3 dimensions)"
      ])
  }

  func testImagesOfWrongDataType() throws {
    let directory = try IDXTestDirectory()
    try directory.writeMNISTPair(labels: [1])
    try directory.write(
      "train-images-idx3-ubyte",
      IDXTestDirectory.header(type: 0x0D, dimensions: [1, 1, 1]) + [0x3F, 0x80, 0, 0])
    assertDataError(
      try ImageClassificationDataset.mnistStyle(directory: directory.url, split: .train),
      [
        "train-images-idx3-ubyte: magic number 0x00000D03 (float, 3 dimensions), expected 0x00000803"
      ])
  }

  func testLabelOutOfRange() throws {
    let directory = try IDXTestDirectory()
    try directory.writeMNISTPair(labels: [1, 12, 3])
    assertDataError(
      try ImageClassificationDataset.mnistStyle(
        directory: directory.url, split: .train, classCount: 10),
      ["train-labels-idx1-ubyte: label 1 is 12, expected a class index below the class count 10"])
  }

  func testTruncatedImageFile() throws {
    let directory = try IDXTestDirectory()
    try directory.writeMNISTPair(labels: [1, 2])
    let header = IDXTestDirectory.header(type: 0x08, dimensions: [2, 2, 3])
    try directory.write("train-images-idx3-ubyte", header + [UInt8](repeating: 9, count: 10))
    assertDataError(
      try ImageClassificationDataset.mnistStyle(directory: directory.url, split: .train),
      ["train-images-idx3-ubyte: file size 26 bytes, expected 28", "truncated (2 bytes missing)"])
  }

  func testSubsetAndPrefix() throws {
    let directory = try IDXTestDirectory()
    try directory.writeMNISTPair(labels: [4, 5, 6, 7])
    let dataset = try ImageClassificationDataset.mnistStyle(directory: directory.url, split: .train)
    let first = dataset.prefix(2)
    XCTAssertEqual(first.count, 2)
    XCTAssertEqual((0..<2).map(first.label(at:)), [4, 5])
    XCTAssertEqual(dataset.prefix(99).count, 4)
    let middle = dataset.subset(1..<3)
    XCTAssertEqual((0..<2).map(middle.label(at:)), [5, 6])
    var image = [Float](repeating: 0, count: 6)
    middle.writeImage(at: 1, into: &image, transform: PixelTransform(scale: 1))
    XCTAssertEqual(image, [20, 21, 22, 23, 24, 25])  // image 2 of the base
    XCTAssertEqual(middle.classCount, 8)
  }
}
