import ConvNetData
import Foundation
import TestSupport
import XCTest

/// Kaggle-style pixel CSV files written as text.
final class CSVImageDatasetTests: XCTestCase {
  /// The folders written by this test, kept until it ends.
  var directories: [IDXTestDirectory] = []

  func write(_ text: String, name: String = "train.csv") throws -> URL {
    let directory = try IDXTestDirectory()
    directories.append(directory)
    return try directory.write(name, Array(text.utf8))
  }

  func testGoodFileWithHeaderCRLFAndBlankLine() throws {
    // Two 2 × 2 images; the label is the first column.
    let text = "label,pixel0,pixel1,pixel2,pixel3\r\n7,0,51,102,255\r\n\r\n2, 1 ,2,3,4\r\n"
    let url = try write(text)
    let dataset = try CSVImageDataset.load(contentsOf: url)
    XCTAssertEqual(dataset.count, 2)
    XCTAssertEqual(dataset.sampleShape, [1, 2, 2])
    XCTAssertEqual(dataset.classCount, 8)
    XCTAssertEqual([dataset.label(at: 0), dataset.label(at: 1)], [7, 2])
    XCTAssertEqual(dataset.pixels, [0, 51, 102, 255, 1, 2, 3, 4])
    XCTAssertEqual(dataset.name, "train")
  }

  func testLabelColumnByNameElsewhereAndByIndexWithoutHeader() throws {
    let named = try write("pixel0,label\n9,1\n8,0\n")
    let byName = try CSVImageDataset.load(contentsOf: named)
    XCTAssertEqual(byName.pixels, [9, 8])
    XCTAssertEqual([byName.label(at: 0), byName.label(at: 1)], [1, 0])
    XCTAssertEqual(byName.sampleShape, [1, 1, 1])

    let bare = try write("3,10,20,30,40,50,60\n1,1,2,3,4,5,6\n")
    let byIndex = try CSVImageDataset.load(
      contentsOf: bare, labelColumn: .index(0), imageSize: (height: 2, width: 3), classCount: 5)
    XCTAssertEqual(byIndex.count, 2)
    XCTAssertEqual(byIndex.sampleShape, [1, 2, 3])
    XCTAssertEqual(byIndex.classCount, 5)
    XCTAssertEqual(Array(byIndex.pixels.prefix(6)), [10, 20, 30, 40, 50, 60])
  }

  func testValue256NamesLineAndColumn() throws {
    let url = try write("label,pixel0,pixel1,pixel2,pixel3\n1,0,0,0,0\n2,0,0,256,0\n")
    XCTAssertThrowsError(try CSVImageDataset.load(contentsOf: url)) { error in
      XCTAssertEqual(
        error as? DataError,
        DataError(
          file: url.path, field: "line 3, column 4 (pixel2)",
          problem: "is \"256\", expected an integer pixel value 0…255"))
    }
  }

  func testNonNumberAndNegativeLabel() throws {
    let url = try write("label,pixel0\n1,x\n")
    XCTAssertThrowsError(try CSVImageDataset.load(contentsOf: url)) { error in
      XCTAssertEqual((error as? DataError)?.field, "line 2, column 2 (pixel0)")
    }
    let negative = try write("label,pixel0\n-1,3\n")
    XCTAssertThrowsError(try CSVImageDataset.load(contentsOf: negative)) { error in
      XCTAssertEqual((error as? DataError)?.field, "line 2, column 1 (label)")
      XCTAssertEqual((error as? DataError)?.problem, "is \"-1\", expected a class index 0…")
    }
  }

  func testWrongColumnCountNamesTheLine() throws {
    let url = try write("label,pixel0,pixel1,pixel2,pixel3\n1,0,0,0,0\n1,0,0,0\n")
    XCTAssertThrowsError(try CSVImageDataset.load(contentsOf: url)) { error in
      XCTAssertEqual(
        error as? DataError,
        DataError(
          file: url.path, field: "line 3", problem: "has 4 values, expected 5 like the header"))
    }
  }

  func testUnlabelledTestFileIsRejectedForTraining() throws {
    let url = try write("pixel0,pixel1,pixel2,pixel3\n0,0,0,0\n", name: "test.csv")
    XCTAssertThrowsError(try CSVImageDataset.load(contentsOf: url)) { error in
      let error = error as? DataError
      XCTAssertEqual(error?.file, url.path)
      XCTAssertEqual(error?.field, "line 1 (header)")
      XCTAssertTrue(
        error?.problem.contains("has no column named \"label\" among its 4 columns") ?? false)
      XCTAssertTrue(error?.problem.contains("cannot be used for training") ?? false)
    }
  }

  func testNonSquarePixelCountAsksForASize() throws {
    let url = try write("label,a,b,c\n1,0,0,0\n")
    XCTAssertThrowsError(try CSVImageDataset.load(contentsOf: url)) { error in
      XCTAssertEqual((error as? DataError)?.field, "line 1")
      XCTAssertTrue((error as? DataError)?.problem.hasPrefix("has 3 pixel columns") ?? false)
    }
  }
}
