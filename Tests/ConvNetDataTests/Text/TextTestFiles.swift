import Foundation
import XCTest

/// Where the course's real data is: `$CONVNET_COURSE_DATA`, else `data/course` in the
/// repository (scripts/install-course-data.sh writes it). Tests that read it skip without it.
enum CourseData {
  static var folder: URL {
    if let path = ProcessInfo.processInfo.environment["CONVNET_COURSE_DATA"] {
      return URL(fileURLWithPath: path)
    }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("data/course")
  }

  /// The file, or an XCTSkip naming the script that installs it.
  static func file(_ name: String) throws -> URL {
    let url = folder.appendingPathComponent(name)
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw XCTSkip("\(url.path) is absent: run scripts/install-course-data.sh")
    }
    return url
  }
}

/// A temporary folder for text fixtures written by a test.
final class TextTestDirectory {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "ConvNetTextTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(at: url) }

  @discardableResult
  func write(_ name: String, _ bytes: [UInt8]) throws -> URL {
    let file = url.appendingPathComponent(name)
    try Data(bytes).write(to: file)
    return file
  }

  @discardableResult
  func write(_ name: String, text: String) throws -> URL { try write(name, Array(text.utf8)) }
}

/// Asserts that `body` throws a `DataError` whose description contains every fragment.
func assertDataError(
  _ fragments: [String], file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void
) {
  do {
    try body()
    XCTFail("expected an error containing \(fragments)", file: file, line: line)
  } catch {
    let text = "\(error)"
    for fragment in fragments where !text.contains(fragment) {
      XCTFail("error \"\(text)\" lacks \"\(fragment)\"", file: file, line: line)
    }
  }
}
