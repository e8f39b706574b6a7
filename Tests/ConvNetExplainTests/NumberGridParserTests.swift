import ConvNetExplain
import XCTest

final class NumberGridParserTests: XCTestCase {
  func testRowsChannelsAndFilters() throws {
    XCTAssertEqual(try NumberGridParser.matrix("0 1 1; 0 2 2", field: .values), [[0, 1, 1], [0, 2, 2]])
    XCTAssertEqual(
      try NumberGridParser.planes("1,1; 1,1 | 0 1; 2 −2", field: .values),
      [[[1, 1], [1, 1]], [[0, 1], [2, -2]]])
    let filters = try NumberGridParser.filters("1 0; 0 1 | 1 1; 0 0 / 0 0; 1 1 | 2 2; 2 0.5", field: .weights)
    XCTAssertEqual(filters.count, 2)
    XCTAssertEqual(filters[1][1], [[2, 2], [2, 0.5]])
    XCTAssertEqual(try NumberGridParser.list("1, 0", field: .bias), [1, 0])
    // A block pasted over several lines.
    XCTAssertEqual(try NumberGridParser.matrix("1 2;\n  3 4", field: .values), [[1, 2], [3, 4]])
  }

  func testMalformedInputNamesWhatIsWrong() {
    let cases: [(String, String)] = [
      ("1 2; 3", "channel 0, row 1 has 1 numbers, expected 2"),
      ("1 x; 3 4", "\"x\" in channel 0, row 0 is not a number"),
      ("1 2; 3 4 | 1 2", "channel 1 is 1×2, expected 2×2"),
      ("", "empty first row"),
      ("1 2; 3 4;", "row 2 has 0 numbers"),
      ("1 inf", "\"inf\""),
    ]
    for (text, expected) in cases {
      XCTAssertThrowsError(try NumberGridParser.planes(text, field: .values), text) { error in
        XCTAssertEqual((error as? ExplainError)?.field, .values)
        XCTAssertTrue("\(error)".contains(expected), "\(error)")
      }
    }
    XCTAssertThrowsError(try NumberGridParser.filters("1 2 / 1 2 3", field: .weights)) {
      XCTAssertTrue("\($0)".contains("filter 1"), "\($0)")
    }
    XCTAssertThrowsError(try NumberGridParser.matrix("1 | 2", field: .gradient)) {
      XCTAssertEqual(($0 as? ExplainError)?.field, .gradient)
    }
  }
}
