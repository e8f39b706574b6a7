import ConvNetData
import ConvNetImage
import Foundation
import TestSupport
import XCTest

/// Class-folder datasets, mostly with the injected fake decoder (see `ImageFolderTestFiles`).
final class ImageFolderDatasetTests: XCTestCase {
  typealias Files = ImageFolderTestFiles

  /// zebra/ (1 image), cat/ (2, one of them .PNG in a sub-folder), dog/ (1), plus files that
  /// are not images: notes.txt in cat/, README in the root, a hidden .DS_Store.
  func makeTree() throws -> IDXTestDirectory {
    let directory = try IDXTestDirectory()
    try directory.write(
      path: "zebra/z1.png", Files.fake(channels: 1, width: 2, height: 2, value: 200))
    try directory.write(path: "cat/b.jpg", Files.fake(channels: 1, width: 2, height: 2, value: 20))
    try directory.write(
      path: "cat/a/A.PNG", Files.fake(channels: 1, width: 2, height: 2, value: 10))
    try directory.write(path: "cat/notes.txt", Array("hello".utf8))
    try directory.write(path: "dog/d.jpeg", Files.fake(channels: 1, width: 2, height: 2, value: 30))
    try directory.write(path: "README", Array("x".utf8))
    try directory.write(path: "dog/.DS_Store", [1, 2, 3])
    return directory
  }

  func testClassNamesSortedCountsAndLabels() throws {
    let directory = try makeTree()
    let dataset = try ImageFolderDataset(root: directory.url, decode: Files.fakeDecode)
    XCTAssertEqual(dataset.classNames, ["cat", "dog", "zebra"])
    XCTAssertEqual(dataset.count, 4)
    XCTAssertEqual(dataset.classCount, 3)
    XCTAssertEqual(dataset.files.map(\.lastPathComponent), ["A.PNG", "b.jpg", "d.jpeg", "z1.png"])
    XCTAssertEqual((0..<4).map(dataset.label(at:)), [0, 0, 1, 2])
    XCTAssertEqual(dataset.ignoredFileCount, 2)  // notes.txt and README; .DS_Store is hidden
    XCTAssertEqual(dataset.sampleShape, [1, 2, 2])
    XCTAssertEqual(dataset.labelCounts(), [2, 1, 1])

    // Sample 2 (dog) is all 30/255; with scale 1 the transform sees it as the byte 30.
    var values = [Float](repeating: 0, count: 4)
    values.withUnsafeMutableBufferPointer {
      dataset.writeImage(at: 2, into: $0.baseAddress!, transform: PixelTransform(scale: 1))
    }
    assertClose(values, [30, 30, 30, 30], absoluteTolerance: 1e-3)
  }

  func testConversionToGreyAndResizeCachedOrNot() throws {
    let directory = try IDXTestDirectory()
    // A 4 × 3 RGB image with r, g, b = 100, 110, 120 (/255).
    try directory.write(
      path: "only/x.png", Files.fake(channels: 3, width: 4, height: 3, value: 100))
    for cache in [false, true] {
      let dataset = try ImageFolderDataset(
        root: directory.url, imageSize: (height: 2, width: 2), channels: 1, cache: cache,
        decode: Files.fakeDecode)
      XCTAssertEqual(dataset.sampleShape, [1, 2, 2])
      var values = [Float](repeating: 0, count: 4)
      values.withUnsafeMutableBufferPointer {
        dataset.writeImage(at: 0, into: $0.baseAddress!, transform: .unitRange)
      }
      // Luma 0.299·100 + 0.587·110 + 0.114·120 = 108.13; a constant image stays constant
      // when resized.
      let luma: Float = (0.299 * 100 + 0.587 * 110 + 0.114 * 120) / 255
      assertClose(values, [luma, luma, luma, luma], absoluteTolerance: 1e-5)
    }
    // Default channels follow the first image: RGB stays three channels.
    let rgb = try ImageFolderDataset(root: directory.url, decode: Files.fakeDecode)
    XCTAssertEqual(rgb.sampleShape, [3, 3, 4])
  }

  func testBadImagesFailOrAreSkippedAndReported() throws {
    let directory = try makeTree()
    try directory.write(path: "dog/broken.png", Files.unreadable)
    try directory.write(path: "cat/zz-broken.jpg", Files.unreadable)
    XCTAssertThrowsError(try ImageFolderDataset(root: directory.url, decode: Files.fakeDecode)) {
      error in
      let error = error as? DataError
      // The first bad file in sorted order: cat/ comes before dog/.
      XCTAssertEqual(error?.file, directory.url.appendingPathComponent("cat/zz-broken.jpg").path)
      XCTAssertEqual(error?.field, "image")
      XCTAssertTrue(error?.problem.contains("zz-broken.jpg: not a fake image") ?? false)
    }
    let dataset = try ImageFolderDataset(
      root: directory.url, onBadImage: .skipAndReport, decode: Files.fakeDecode)
    XCTAssertEqual(dataset.count, 4)
    XCTAssertEqual(dataset.skipped.count, 2)
    XCTAssertEqual(
      dataset.skipped.map { URL(fileURLWithPath: $0.path).lastPathComponent },
      ["zz-broken.jpg", "broken.png"])
    XCTAssertEqual(dataset.labelCounts(), [2, 1, 1])
  }

  func testEmptyClassAndNoClassesAreErrors() throws {
    let directory = try IDXTestDirectory()
    XCTAssertThrowsError(try ImageFolderDataset(root: directory.url, decode: Files.fakeDecode)) {
      XCTAssertEqual(($0 as? DataError)?.field, "class folders")
    }
    try directory.write(path: "a/x.png", Files.fake(channels: 1, width: 1, height: 1, value: 1))
    try directory.write(path: "b/notes.txt", [1])
    XCTAssertThrowsError(try ImageFolderDataset(root: directory.url, decode: Files.fakeDecode)) {
      XCTAssertEqual(($0 as? DataError)?.file, directory.url.appendingPathComponent("b").path)
      XCTAssertEqual(($0 as? DataError)?.field, "images")
    }
  }

  func testTrainAndValFoldersShareLabels() throws {
    let directory = try IDXTestDirectory()
    for (path, value) in [("train/b/1.png", 1), ("train/a/2.png", 2), ("val/b/3.png", 3)] {
      try directory.write(
        path: path, Files.fake(channels: 1, width: 1, height: 1, value: UInt8(value)))
    }
    let train = try ImageFolderDataset(
      root: directory.url.appendingPathComponent("train"), decode: Files.fakeDecode)
    let validation = try ImageFolderDataset(
      root: directory.url.appendingPathComponent("val"), classNames: train.classNames,
      decode: Files.fakeDecode)
    // val/ only has b, which is label 1 of the training classes [a, b].
    XCTAssertEqual(validation.classNames, ["a", "b"])
    XCTAssertEqual(validation.label(at: 0), 1)
    try directory.write(path: "val/c/4.png", Files.fake(channels: 1, width: 1, height: 1, value: 4))
    XCTAssertThrowsError(
      try ImageFolderDataset(
        root: directory.url.appendingPathComponent("val"), classNames: train.classNames,
        decode: Files.fakeDecode)
    ) { XCTAssertEqual(($0 as? DataError)?.field, "class folder") }
  }

  func testStratifiedValidationSplit() throws {
    let directory = try IDXTestDirectory()
    for k in 0..<5 {
      try directory.write(
        path: "a/\(k).png", Files.fake(channels: 1, width: 1, height: 1, value: 1))
    }
    for k in 0..<3 {
      try directory.write(
        path: "b/\(k).png", Files.fake(channels: 1, width: 1, height: 1, value: 1))
    }
    let dataset = try ImageFolderDataset(root: directory.url, decode: Files.fakeDecode)
    let (train, validation) = dataset.stratifiedSplit(validationFraction: 0.4, seed: 3)
    // Class a: round(0.4 · 5) = 2 held out; class b: round(0.4 · 3) = round(1.2) = 1.
    XCTAssertEqual(validation.labelCounts(), [2, 1])
    XCTAssertEqual(train.labelCounts(), [3, 2])
    XCTAssertEqual(Set(train.indices).union(validation.indices), Set(0..<8))
    XCTAssertTrue(Set(train.indices).isDisjoint(with: validation.indices))
    XCTAssertEqual(train.indices, train.indices.sorted())
    let again = dataset.stratifiedSplit(validationFraction: 0.4, seed: 3)
    XCTAssertEqual(again.validation.indices, validation.indices)
    // A class of two keeps one for training even at a large fraction.
    let (mostlyHeld, _) = dataset.stratifiedSplit(validationFraction: 0.9, seed: 3)
    XCTAssertEqual(mostlyHeld.labelCounts(), [1, 1])
  }

  func testRealPNGThroughTheDefaultDecoder() throws {
    let directory = try IDXTestDirectory()
    try directory.write(
      path: "digits/seven.png", Files.png(width: 3, height: 2, grey: [0, 51, 102, 153, 204, 255]))
    let dataset = try ImageFolderDataset(root: directory.url)
    XCTAssertEqual(dataset.sampleShape, [1, 2, 3])
    var values = [Float](repeating: 0, count: 6)
    values.withUnsafeMutableBufferPointer {
      dataset.writeImage(at: 0, into: $0.baseAddress!, transform: PixelTransform(scale: 1))
    }
    assertClose(values, [0, 51, 102, 153, 204, 255], absoluteTolerance: 1e-3)
  }
}
