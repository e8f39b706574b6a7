import ConvNetData
import Foundation
import TestSupport
import XCTest

/// CIFAR-10/100 binary files written record by record.
final class CIFARDatasetTests: XCTestCase {
  /// Pixel byte p (0 ..< 3072) of record r: (r · 7 + p) % 256.
  static func pixels(record: Int) -> [UInt8] {
    (0..<3072).map { UInt8((record * 7 + $0) % 256) }
  }

  /// A CIFAR-10 file: per record 1 label byte + the 3072 pixel bytes; records numbered from
  /// `firstRecord` so that each file's pixels differ.
  static func cifar10File(labels: [UInt8], firstRecord: Int = 0) -> [UInt8] {
    labels.enumerated().flatMap { [$0.element] + pixels(record: firstRecord + $0.offset) }
  }

  func testCIFAR10RecordsLabelsAndPlanes() throws {
    let directory = try IDXTestDirectory()
    try directory.write("data_batch_1.bin", Self.cifar10File(labels: [3, 9]))
    try directory.write("data_batch_2.bin", Self.cifar10File(labels: [0], firstRecord: 2))
    try directory.write("test_batch.bin", Self.cifar10File(labels: [7]))
    try directory.write(
      "batches.meta.txt",
      Array("airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n".utf8))

    let train = try CIFARDataset.load(directory: directory.url, variant: .cifar10, split: .train)
    XCTAssertEqual(train.count, 3)
    XCTAssertEqual(train.sampleShape, [3, 32, 32])
    XCTAssertEqual(train.classCount, 10)
    XCTAssertEqual((0..<3).map(train.label(at:)), [3, 9, 0])
    XCTAssertEqual(train.classNames?[3], "cat")
    XCTAssertEqual(train.classNames?.count, 10)

    // Record 2 (the one in data_batch_2): red (0, 0) is byte 0 → 14; green (0, 0) is byte
    // 1024 → (14 + 1024) % 256 = 14; blue (31, 31) is byte 3071 → (14 + 3071) % 256 = 13.
    var floats = [Float](repeating: 0, count: 3072)
    floats.withUnsafeMutableBufferPointer {
      train.writeImage(at: 2, into: $0.baseAddress!, transform: PixelTransform(scale: 1))
    }
    XCTAssertEqual(floats[0], 14)
    XCTAssertEqual(floats[1024], 14)
    XCTAssertEqual(floats[3071], 13)
    XCTAssertEqual(floats[1], 15)  // red (0, 1)
    XCTAssertEqual(floats[32], 46)  // red (1, 0): byte 32 → 14 + 32

    let test = try CIFARDataset.load(directory: directory.url, variant: .cifar10, split: .test)
    XCTAssertEqual(test.count, 1)
    XCTAssertEqual(test.label(at: 0), 7)
  }

  func testCIFAR100FineAndCoarseLabels() throws {
    let directory = try IDXTestDirectory()
    // Records: (coarse, fine) = (4, 99), (19, 0).
    let bytes = [4, 99] + Self.pixels(record: 0) + [19, 0] + Self.pixels(record: 1)
    try directory.write("train.bin", bytes)
    let fine = try CIFARDataset.load(directory: directory.url, variant: .cifar100, split: .train)
    XCTAssertEqual(fine.classCount, 100)
    XCTAssertEqual([fine.label(at: 0), fine.label(at: 1)], [99, 0])
    XCTAssertNil(fine.classNames)
    let coarse = try CIFARDataset.load(
      directory: directory.url, variant: .cifar100, split: .train, labelKind: .coarse)
    XCTAssertEqual(coarse.classCount, 20)
    XCTAssertEqual([coarse.label(at: 0), coarse.label(at: 1)], [4, 19])
    // Pixels start after both label bytes: record 1, byte 0 → 7.
    var floats = [Float](repeating: 0, count: 3072)
    floats.withUnsafeMutableBufferPointer {
      coarse.writeImage(at: 1, into: $0.baseAddress!, transform: PixelTransform(scale: 1))
    }
    XCTAssertEqual(Array(floats[0..<3]), [7, 8, 9])
  }

  func testArchiveSubfolderIsFound() throws {
    let directory = try IDXTestDirectory()
    try FileManager.default.createDirectory(
      at: directory.url.appendingPathComponent("cifar-10-batches-bin"),
      withIntermediateDirectories: true)
    try directory.write("cifar-10-batches-bin/data_batch_1.bin", Self.cifar10File(labels: [1]))
    let train = try CIFARDataset.load(directory: directory.url, variant: .cifar10, split: .train)
    XCTAssertEqual(train.count, 1)
  }

  func testLeftoverBytesNameFileRecordsAndLeftover() throws {
    let directory = try IDXTestDirectory()
    // Two records and 5 stray bytes: 2 · 3073 + 5 = 6151.
    try directory.write(
      "data_batch_1.bin", Self.cifar10File(labels: [1, 2]) + [0, 0, 0, 0, 0])
    XCTAssertThrowsError(
      try CIFARDataset.load(directory: directory.url, variant: .cifar10, split: .train)
    ) { error in
      let error = error as? DataError
      XCTAssertEqual(error?.file, directory.url.appendingPathComponent("data_batch_1.bin").path)
      XCTAssertEqual(error?.field, "file size")
      XCTAssertTrue(
        error?.problem.hasPrefix("6151 bytes = 2 records of 3073 bytes and 5 leftover bytes")
          ?? false, "\(String(describing: error))")
    }
  }

  func testTruncatedFileIsRejected() throws {
    let directory = try IDXTestDirectory()
    try directory.write("data_batch_1.bin", Array(Self.cifar10File(labels: [1]).prefix(3000)))
    XCTAssertThrowsError(
      try CIFARDataset.load(directory: directory.url, variant: .cifar10, split: .train)
    ) { error in
      XCTAssertTrue(
        (error as? DataError)?.problem.hasPrefix("3000 bytes = 0 records of 3073 bytes and 3000")
          ?? false, "\(error)")
    }
  }

  func testLabelOutOfRangeNamesTheRecord() throws {
    let directory = try IDXTestDirectory()
    try directory.write("data_batch_1.bin", Self.cifar10File(labels: [1, 2, 10]))
    XCTAssertThrowsError(
      try CIFARDataset.load(directory: directory.url, variant: .cifar10, split: .train)
    ) { error in
      XCTAssertEqual(
        error as? DataError,
        DataError(
          file: directory.url.appendingPathComponent("data_batch_1.bin").path, field: "label of record 2",
          problem: "is 10, expected 0…9"))
    }
    // CIFAR-100 coarse labels stop at 19; fine ones at 99.
    try directory.write("train.bin", [20, 5] + Self.pixels(record: 0))
    XCTAssertThrowsError(
      try CIFARDataset.load(
        directory: directory.url, variant: .cifar100, split: .train, labelKind: .coarse)
    ) { error in
      XCTAssertEqual((error as? DataError)?.field, "coarse label of record 0")
      XCTAssertEqual((error as? DataError)?.problem, "is 20, expected 0…19")
    }
    try directory.write("train.bin", [5, 100] + Self.pixels(record: 0))
    XCTAssertThrowsError(
      try CIFARDataset.load(directory: directory.url, variant: .cifar100, split: .train)
    ) { error in
      XCTAssertEqual((error as? DataError)?.problem, "is 100, expected 0…99")
    }
  }

  func testGapInBatchesAndWrongNameCount() throws {
    let directory = try IDXTestDirectory()
    try directory.write("data_batch_1.bin", Self.cifar10File(labels: [1]))
    try directory.write("data_batch_3.bin", Self.cifar10File(labels: [1]))
    XCTAssertThrowsError(
      try CIFARDataset.load(directory: directory.url, variant: .cifar10, split: .train)
    ) { error in
      XCTAssertEqual((error as? DataError)?.field, "data_batch_2.bin")
    }
    try FileManager.default.removeItem(at: directory.url.appendingPathComponent("data_batch_3.bin"))
    try directory.write("batches.meta.txt", Array("cat\ndog\n".utf8))
    XCTAssertThrowsError(
      try CIFARDataset.load(directory: directory.url, variant: .cifar10, split: .train)
    ) { error in
      XCTAssertEqual(
        error as? DataError,
        DataError(
          file: "batches.meta.txt", field: "class names",
          problem: "2 non-empty lines, expected 10, one name per class"))
    }
  }
}
