import ConvNetData
import Foundation
import XCTest

/// Builds .mo files byte by byte, in either byte order, as GNU msgfmt lays them out.
enum MOFile {
  static func bytes(_ entries: [(original: String, translation: String)], bigEndian: Bool = false) -> [UInt8]
  {
    func word(_ value: Int) -> [UInt8] {
      let v = UInt32(value)
      let little = [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)]
      return bigEndian ? little.reversed() : little
    }
    let n = entries.count
    let originalsTable = 28
    let translationsTable = originalsTable + 8 * n
    var strings: [UInt8] = []
    var originalEntries: [UInt8] = []
    var translationEntries: [UInt8] = []
    let stringsStart = translationsTable + 8 * n
    for (original, _) in entries {
      let utf8 = Array(original.utf8)
      originalEntries += word(utf8.count) + word(stringsStart + strings.count)
      strings += utf8 + [0]
    }
    for (_, translation) in entries {
      let utf8 = Array(translation.utf8)
      translationEntries += word(utf8.count) + word(stringsStart + strings.count)
      strings += utf8 + [0]
    }
    return word(0x9504_12DE) + word(0) + word(n) + word(originalsTable) + word(translationsTable) + word(0)
      + word(stringsStart) + originalEntries + translationEntries + strings
  }

  static let sample: [(original: String, translation: String)] = [
    ("", "Project-Id-Version: demo\nContent-Type: text/plain; charset=UTF-8\n"),
    ("%d file\u{0}%d files", "%d 个文件"),
    ("Open File", "打开文件"),
    ("menu\u{04}Quit", "退出"),
    ("Untranslated", ""),
  ]
}

final class GettextCatalogTests: XCTestCase {
  func testEntriesInBothByteOrders() throws {
    for bigEndian in [false, true] {
      let catalogue = try GettextCatalog(
        bytes: MOFile.bytes(MOFile.sample, bigEndian: bigEndian), file: "demo.mo")
      XCTAssertEqual(catalogue.entries.count, 5)
      XCTAssertEqual(
        catalogue.entries[1],
        GettextCatalog.Entry(
          context: nil, source: "%d file", sourcePlural: "%d files", translations: ["%d 个文件"]))
      XCTAssertEqual(
        catalogue.entries[3],
        GettextCatalog.Entry(context: "menu", source: "Quit", sourcePlural: nil, translations: ["退出"]))
      // The header, the plural entry and the untranslated one are left out; context dropped.
      XCTAssertEqual(catalogue.singularPairs.map(\.source), ["Open File", "Quit"])
      XCTAssertEqual(catalogue.singularPairs.map(\.target), ["打开文件", "退出"])
    }
  }

  func testMalformedCataloguesNameTheField() {
    var bytes = MOFile.bytes(MOFile.sample)
    bytes[0] = 0x00
    assertDataError(["x.mo", "magic number", "0x950412de"]) {
      _ = try GettextCatalog(bytes: bytes, file: "x.mo")
    }
    assertDataError(["header", "at least 28"]) {
      _ = try GettextCatalog(bytes: [0xDE, 0x12, 0x04, 0x95], file: "x.mo")
    }

    // A string offset pointing past the end of the file (original 2's offset word).
    bytes = MOFile.bytes(MOFile.sample)
    let offsetField = 28 + 8 * 2 + 4
    bytes.replaceSubrange(offsetField..<(offsetField + 4), with: [0xFF, 0xFF, 0x00, 0x00])
    assertDataError(["original 2", "runs past the end"]) {
      _ = try GettextCatalog(bytes: bytes, file: "x.mo")
    }

    // A table that claims more entries than the file holds.
    bytes = MOFile.bytes(MOFile.sample)
    bytes.replaceSubrange(8..<12, with: [0x00, 0x00, 0x01, 0x00])
    assertDataError(["original table", "65536 entries"]) {
      _ = try GettextCatalog(bytes: bytes, file: "x.mo")
    }

    // Latin-1 in a translation.
    let latin1 = MOFile.bytes([("Caf", "Caf\u{E9}")]).map { $0 }
    var broken = latin1
    let index = broken.lastIndex(of: 0xA9)!  // é is C3 A9; make it a lone E9
    broken[index - 1] = 0x20
    broken[index] = 0xE9
    assertDataError(["translation 0", "not valid UTF-8"]) {
      _ = try GettextCatalog(bytes: broken, file: "x.mo")
    }
  }

  func testParallelCorpusFromAFolderOfCatalogues() throws {
    let directory = try TextTestDirectory()
    try directory.write("a.mo", MOFile.bytes(MOFile.sample))
    try directory.write(
      "b.mo",
      MOFile.bytes(
        [("Open File", "打开文件"), ("Save\n  the file now", "现在保存\n文件"), ("one two three four five", "一二三四五")],
        bigEndian: true))
    try directory.write("notes.txt", Array("not a catalogue".utf8))
    let corpus = try ParallelTextDataset.gettextCatalogues(in: directory.url, maximumSourceWords: 4)
    // a.mo's two pairs; b.mo's repeat of "Open File" dropped, the 5-word source too long.
    XCTAssertEqual(corpus.sources, ["Open File", "Quit", "Save the file now"])
    XCTAssertEqual(corpus.targets, ["打开文件", "退出", "现在保存 文件"])

    let empty = try TextTestDirectory()
    assertDataError([empty.url.path, "no .mo file"]) {
      _ = try ParallelTextDataset.gettextCatalogues(in: empty.url)
    }
  }

  /// The system's zh_CN catalogues read by this reader and by Python's gettext module
  /// (scripts/convert-course-data.py wrote the latter's pairs) agree pair for pair.
  func testSystemCataloguesAgreeWithPythonsGettext() throws {
    let python = try CourseData.file("gettext-en-zh.tsv")
    let folder = URL(fileURLWithPath: "/usr/share/locale/zh_CN/LC_MESSAGES")
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter {
      $0.hasSuffix(".mo")
    }.sorted()
    var swiftPairs: [String] = []
    for name in names {
      let catalogue = try GettextCatalog(contentsOf: folder.appendingPathComponent(name))
      for (source, target) in catalogue.singularPairs {
        // Python's str.split() also splits at the separators U+001C…U+001F (GnuPG's
        // messages hold U+001F), which Swift does not count as white space.
        let clean = { (text: String) in
          text.split(whereSeparator: { $0.isWhitespace || ("\u{1C}"..."\u{1F}").contains($0) })
            .joined(separator: " ")
        }
        let (s, t) = (clean(source), clean(target))
        if !s.isEmpty && !t.isEmpty { swiftPairs.append(s + "\t" + t) }
      }
    }
    let pythonPairs = try String(contentsOf: python, encoding: .utf8).split(separator: "\n").map(String.init)
    XCTAssertEqual(swiftPairs.count, pythonPairs.count)
    let onlySwift = Set(swiftPairs).subtracting(pythonPairs)
    let onlyPython = Set(pythonPairs).subtracting(swiftPairs)
    XCTAssertTrue(onlySwift.isEmpty, "only here: \(onlySwift.count), e.g. \(onlySwift.sorted().prefix(3))")
    XCTAssertTrue(
      onlyPython.isEmpty, "only in Python's: \(onlyPython.count), e.g. \(onlyPython.sorted().prefix(3))")
    let corpus = try ParallelTextDataset.gettextCatalogues(in: folder, maximumSourceWords: 8)
    print(
      "gettext zh_CN: \(names.count) catalogues, \(swiftPairs.count) singular pairs, "
        + "\(corpus.count) distinct pairs of ≤ 8 words")
    XCTAssertGreaterThan(corpus.count, 1000)
  }
}
