import ConvNetData
import XCTest

final class TextDocumentsTests: XCTestCase {
  /// Two entries as fortunes-zh writes them: a green title, a yellow author, the poem, `%`.
  let fortunes =
    "\u{1B}[32m《静夜思》\u{1B}[m\r\n\u{1B}[33m作者：李白\u{1B}[m\r\n床前明月光，\r\n疑是地上霜。\r\n%\r\n"
    + "\u{1B}[32m《登鹳雀楼》\u{1B}[m\n\u{1B}[33m作者：王之涣\u{1B}[m\n白日依山尽，\n黄河入海流。\n%\n\n%\n"

  func testFortuneEntriesWithColourEscapesRemovedOrTheirLinesDropped() {
    XCTAssertEqual(
      TextDocuments.split(fortunes, layout: .fortunes),
      ["《静夜思》\n作者：李白\n床前明月光，\n疑是地上霜。", "《登鹳雀楼》\n作者：王之涣\n白日依山尽，\n黄河入海流。"])
    XCTAssertEqual(
      TextDocuments.split(fortunes, layout: .fortunes, colouredLines: .drop),
      ["床前明月光，\n疑是地上霜。", "白日依山尽，\n黄河入海流。"])
  }

  func testOneDocumentPerLineSkipsBlankLines() throws {
    let directory = try TextTestDirectory()
    let url = try directory.write("lines.txt", text: "first line\r\n\n  \nsecond\u{1B}[1m bold\u{1B}[0m\n")
    XCTAssertEqual(try TextDocuments.read(contentsOf: url), ["first line", "second bold"])
    let empty = try directory.write("empty.txt", text: "\n \n")
    assertDataError([empty.path, "no non-blank line"]) { _ = try TextDocuments.read(contentsOf: empty) }
    let fortunesEmpty = try directory.write("f", text: "%\n%\n")
    assertDataError(["no entry"]) { _ = try TextDocuments.read(contentsOf: fortunesEmpty, layout: .fortunes) }
  }

  /// The real 唐诗三百首 from Debian's fortunes-zh: 313 poems.
  func testTang300HasItsPoems() throws {
    let url = try CourseData.file("tang300.txt")
    let poems = try TextDocuments.read(contentsOf: url, layout: .fortunes, colouredLines: .drop)
    XCTAssertEqual(poems.count, 313)
    XCTAssertFalse(poems.joined().unicodeScalars.contains("\u{1B}"))
    XCTAssertTrue(poems.contains { $0.hasPrefix("床前明月光") || $0.contains("床前明月光") })
    let vocabulary = Vocabulary.build(from: poems, tokenizer: .characters)
    // Printed for the record (issue #14 says "~2,560 distinct characters" with titles).
    let titled = Vocabulary.build(
      from: try TextDocuments.read(contentsOf: url, layout: .fortunes), tokenizer: .characters)
    print(
      "tang300: \(poems.count) poems, \(vocabulary.count - 4) distinct tokens in the poems, "
        + "\(titled.count - 4) with titles and authors")
    XCTAssertGreaterThan(vocabulary.count, 2000)
  }
}
