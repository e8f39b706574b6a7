import ConvNetData
import XCTest

final class DelimitedTableTests: XCTestCase {
  func testRFC4180QuotingLineBreaksAndCRLF() throws {
    let text =
      "\u{FEFF}name, note ,n\r\n\"Smith, J\",\"said \"\"hi\"\"\r\nthen left\",1\r\n\r\nplain \"quote\",,2\r\n\"\",x,3"
    let table = try DelimitedTable.parse(text, file: "t.csv", dialect: .csv)
    XCTAssertEqual(table.header, ["name", "note", "n"])
    XCTAssertEqual(
      table.rows,
      [
        ["Smith, J", "said \"hi\"\r\nthen left", "1"], ["plain \"quote\"", "", "2"], ["", "x", "3"],
      ])
    XCTAssertEqual(table.lineNumbers, [2, 5, 6])
  }

  func testTSVHasNoQuoting() throws {
    let table = try DelimitedTable.parse("text\tlabel\n\"好\",\"真\"\tpos\n", file: "t.tsv", dialect: .tsv)
    XCTAssertEqual(table.rows, [["\"好\",\"真\"", "pos"]])
    XCTAssertEqual(DelimitedTable.Dialect.guess(for: URL(fileURLWithPath: "/a/b.TSV")), .tsv)
    XCTAssertEqual(DelimitedTable.Dialect.guess(for: URL(fileURLWithPath: "/a/b.csv")), .csv)
  }

  func testMalformedTablesNameTheLine() {
    let cases: [(String, [String])] = [
      ("a,b\n1,\"open\n2,3\n", ["t.csv", "line 2", "never closed"]),
      ("a,b\n1,\"x\"y\n", ["line 2", "text after a closing quote"]),
      ("a,b\n1,2\n3\n", ["line 3", "has 1 fields, expected 2"]),
      ("a,a\n1,2\n", ["column 2", "repeats the name \"a\""]),
      ("a,,c\n1,2,3\n", ["column 2", "is empty"]),
      ("\n\n", ["line 1", "missing"]),
    ]
    for (text, fragments) in cases {
      assertDataError(fragments) { _ = try DelimitedTable.parse(text, file: "t.csv", dialect: .csv) }
    }
  }
}
