import ConvNetDraw
import XCTest

/// The embedded font: coverage, metrics, and glyphs drawn pixel for pixel as pictured here.
final class BitmapFontTests: XCTestCase {
  func testPrintableASCIIIsCoveredWithDistinctGlyphs() {
    let font = BitmapFont.standard
    let ascii = (32...126).map { Character(UnicodeScalar(UInt8($0))) }
    XCTAssertTrue(Set(ascii).isSubset(of: font.characters))
    for character in ascii where character != " " {
      XCTAssertTrue(font.glyph(for: character).contains { $0 != 0 }, "“\(character)” is blank")
    }
    XCTAssertEqual(font.glyph(for: " "), [UInt8](repeating: 0, count: 9))
    let shapes = Set(ascii.map { font.glyph(for: $0) })
    XCTAssertEqual(shapes.count, ascii.count, "two ASCII characters share a glyph")
  }

  func testMetrics() {
    XCTAssertTrue(Canvas.textSize("") == (0, 0))
    // n characters: 6n − 1 wide; one line 9 tall, each further line 11 more.
    XCTAssertTrue(Canvas.textSize("Hi") == (11, 9))
    XCTAssertTrue(Canvas.textSize("Hi", scale: 3) == (33, 27))
    XCTAssertTrue(Canvas.textSize("abc\nd") == (17, 20))
  }

  func testGlyphsAreDrawnAsPictured() throws {
    var canvas = try Canvas(width: 12, height: 9)
    canvas.drawText("Ag", at: PixelPoint(x: 0, y: 0), color: .black)
    XCTAssertEqual(
      ink(canvas, .black),
      [
        ".###........",
        "#...#.......",
        "#...#..####.",
        "#####.#...#.",
        "#...#.#...#.",
        "#...#.#...#.",
        "#...#..####.",
        "..........#.",
        ".......###..",
      ])
    // Scale 2: each font pixel a 2×2 block; anchored by its bottom-right corner.
    var big = try Canvas(width: 12, height: 20)
    big.drawText("!", at: PixelPoint(x: 12, y: 20), color: .black, scale: 2, anchor: .bottomRight)
    // "!" is 10×18 at scale 2, so its box starts at (2, 2) and glyph row r covers rows
    // 2 + 2r and 3 + 2r; the stem is glyph column 2 → x 6–7.
    let rows = ink(big, .black)
    XCTAssertEqual(rows[1], "............")
    XCTAssertEqual(rows[2], "......##....")
    XCTAssertEqual(rows[11], "......##....", "glyph row 4")
    XCTAssertEqual(rows[12], "............", "glyph row 5, the gap above the dot")
    XCTAssertEqual(rows[13], "............")
    XCTAssertEqual(rows[14], "......##....", "glyph row 6, the dot")
    XCTAssertEqual(rows[15], "......##....")
    XCTAssertEqual(rows[16], "............", "descender rows are blank")
  }

  func testUnknownCharacterIsAHollowBox() throws {
    var canvas = try Canvas(width: 5, height: 7)
    canvas.drawText("漢", at: PixelPoint(x: 0, y: 0), color: .black)
    XCTAssertEqual(ink(canvas, .black), ["#####", "#...#", "#...#", "#...#", "#...#", "#...#", "#####"])
  }

  func testVerticalTextReadsBottomToTop() throws {
    // "L" turned counter-clockwise: its stem (column 0) becomes the bottom row, its foot
    // (row 6) the rightmost column.
    var canvas = try Canvas(width: 9, height: 5)
    canvas.drawVerticalText("L", at: PixelPoint(x: 0, y: 0), color: .black, anchor: .topLeft)
    XCTAssertEqual(
      ink(canvas, .black),
      ["......#..", "......#..", "......#..", "......#..", "#######.."])
  }
}
