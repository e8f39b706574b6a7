import ConvNetData
import Foundation
import XCTest

/// Builds IDX files byte by byte (big-endian header written out by hand) in a fresh temporary
/// directory that is removed when the test ends.
final class IDXTestDirectory {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "ConvNetDataTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(at: url) }

  /// Header bytes: 0, 0, type, rank, then each dimension as 4 big-endian bytes.
  static func header(type: UInt8, dimensions: [Int]) -> [UInt8] {
    var bytes: [UInt8] = [0, 0, type, UInt8(dimensions.count)]
    for size in dimensions {
      bytes += [
        UInt8(size >> 24 & 0xFF), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF),
        UInt8(size & 0xFF),
      ]
    }
    return bytes
  }

  @discardableResult
  func write(_ name: String, _ bytes: [UInt8]) throws -> URL {
    let file = url.appendingPathComponent(name)
    try Data(bytes).write(to: file)
    return file
  }

  /// A valid MNIST-style pair: `count` images of `height` × `width` with pixel value
  /// (image · 10 + row · width + column) % 256, and labels `labels`.
  func writeMNISTPair(
    prefix: String = "train", labels: [UInt8], height: Int = 2, width: Int = 3,
    imageName: String? = nil, labelName: String? = nil
  ) throws {
    var images = IDXTestDirectory.header(type: 0x08, dimensions: [labels.count, height, width])
    images += IDXTestDirectory.testPixels(count: labels.count, height: height, width: width)
    try write(imageName ?? "\(prefix)-images-idx3-ubyte", images)
    try write(
      labelName ?? "\(prefix)-labels-idx1-ubyte",
      IDXTestDirectory.header(type: 0x08, dimensions: [labels.count]) + labels)
  }

  static func testPixels(count: Int, height: Int, width: Int) -> [UInt8] {
    var pixels: [UInt8] = []
    for image in 0..<count {
      for row in 0..<height {
        for column in 0..<width { pixels.append(UInt8((image * 10 + row * width + column) % 256)) }
      }
    }
    return pixels
  }
}

/// Asserts that `expression` throws a `DataError` whose description contains every fragment.
func assertDataError(
  _ expression: @autoclosure () throws -> some Any, _ fragments: [String],
  file: StaticString = #filePath, line: UInt = #line
) {
  do {
    _ = try expression()
    XCTFail("expected a DataError, but loading succeeded", file: file, line: line)
  } catch let error as DataError {
    for fragment in fragments {
      XCTAssertTrue(
        error.description.contains(fragment), "“\(error)” lacks “\(fragment)”", file: file,
        line: line)
    }
  } catch {
    XCTFail("expected a DataError, got \(error)", file: file, line: line)
  }
}
