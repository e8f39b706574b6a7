import ConvNet
import Foundation
import XCTest

/// The HTML builder: escaping of text from data, pictures as data URIs, no remote resources.
final class HTMLDocumentTests: XCTestCase {
  func testEscapeReplacesTheFiveSpecialCharacters() {
    XCTAssertEqual(
      HTMLText.escape(#"<script>alert("x" & 'y')</script>"#),
      "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;")
    XCTAssertEqual(HTMLText.escape("猫 cat ü"), "猫 cat ü")
    XCTAssertEqual(HTMLText.escape("&amp;"), "&amp;amp;")
  }

  func testIdentifierKeepsOnlyLettersDigitsAndDashes() {
    XCTAssertEqual(HTMLText.identifier("Grad-CAM 2\"><x"), "grad-cam-2---x")
  }

  /// Base64 of every byte value, at lengths that end on each padding case, decodes to the bytes.
  func testDataURIRoundTrip() {
    let allBytes = (0...255).map(UInt8.init)
    for length in [0, 1, 2, 3, 256] {
      let bytes = Array((allBytes + allBytes).prefix(length))
      let uri = DataURI.png(bytes)
      XCTAssertTrue(uri.hasPrefix("data:image/png;base64,"))
      let decoded = DataURI.decode(uri)
      XCTAssertEqual(decoded?.mediaType, "image/png")
      XCTAssertEqual(decoded?.bytes, bytes)
    }
    XCTAssertEqual(DataURI.png([0x89, 0x50, 0x4E, 0x47]), "data:image/png;base64,iVBORw==")
    XCTAssertNil(DataURI.decode("https://example.com/a.png"))
  }

  /// Text from data appears escaped wherever it goes: headings, tables, settings, captions,
  /// alternative text, cards.
  func testTextFromDataIsEscapedEverywhere() {
    let hostile = #"<img src=x onerror="alert(1)">&'"#
    let escaped = HTMLText.escape(hostile)
    var page = HTMLDocument(title: hostile, subtitle: hostile)
    let figure = HTMLFigure(png: [1, 2, 3], alternativeText: hostile, caption: hostile)
    page.append(
      HTMLSection(
        id: "a", title: hostile,
        blocks: [
          .paragraph(hostile), .note(hostile), .missing(hostile), .code(hostile),
          .metrics([HTMLMetric(label: hostile, value: hostile, detail: hostile)]),
          .keyValues([(key: hostile, value: hostile)], monospaceValues: true),
          .table(
            HTMLTable(
              columns: [.init(hostile)],
              rows: [
                [.text(hostile)], [.header(hostile)], [.number(hostile)], [.formula(hostile)],
                [.bar(fraction: 0.5, text: hostile, tone: .good)],
                [.heat(hostile, intensity: 0.5, tone: .bad)],
              ],
              caption: hostile)),
          .figure(figure),
          .cards([
            HTMLCard(
              figure: figure, title: hostile, subtitle: hostile,
              bars: [HTMLBar(label: hostile, fraction: 1, valueText: hostile)])
          ]),
        ]))
    let html = page.render()
    XCTAssertFalse(html.contains(hostile), "unescaped text from data in the page")
    XCTAssertFalse(html.contains("<img src=x"))
    // title ×2 (<title>, <h1>), subtitle, nav + heading, 4 text blocks, 3 metric texts, 2 settings,
    // 6 cells + header + caption, figure alt + caption, card: alt + caption + title + subtitle + bar
    // label + bar value.
    XCTAssertEqual(html.components(separatedBy: escaped).count - 1, 2 + 1 + 2 + 4 + 3 + 2 + 8 + 2 + 6)
  }

  func testPicturesAreEmbeddedAndNothingIsFetched() throws {
    let report = try ReportFixture.report()
    let html = report.document().render()
    // Every src/href points inside the page: a data URI or an anchor.
    let pattern = try NSRegularExpression(pattern: #"(?:src|href)\s*=\s*"([^"]*)""#)
    let matches = pattern.matches(in: html, range: NSRange(html.startIndex..., in: html))
    XCTAssertFalse(matches.isEmpty)
    for match in matches {
      let value = String(html[Range(match.range(at: 1), in: html)!])
      XCTAssertTrue(
        value.hasPrefix("data:image/png;base64,") || value.hasPrefix("#"), "resource \(value.prefix(60))")
    }
    XCTAssertFalse(html.contains("http://"))
    XCTAssertFalse(html.contains("https://"))
    XCTAssertFalse(html.contains("<script"))
    XCTAssertFalse(html.contains("<link"))
    XCTAssertFalse(html.contains("@import"))
    XCTAssertFalse(html.lowercased().contains("url("))
    XCTAssertTrue(html.contains(#"content="default-src 'none'; img-src data:"#))
  }

  func testEverySectionIsPresentAndLinked() throws {
    let html = try ReportFixture.report().document().render()
    for id in TrainingReport.sectionIDs {
      XCTAssertTrue(html.contains("<section id=\"\(id)\">"), "section \(id)")
      XCTAssertTrue(html.contains("<a href=\"#\(id)\">"), "link to \(id)")
    }
    XCTAssertEqual(html.components(separatedBy: "<section ").count - 1, TrainingReport.sectionIDs.count)
  }

  /// A part that is missing says so, with the reason, and nothing else in its place.
  func testMissingPartsStateTheirReason() throws {
    var report = try ReportFixture.report()
    report.featureMaps = .missing(reason: "feature maps were not drawn: reason one")
    report.evaluation = .missing(reason: "no test set: reason two")
    let html = report.document().render()
    XCTAssertTrue(html.contains("<strong>Not shown.</strong> feature maps were not drawn: reason one"))
    // The confusion matrix, per-class table and samples all depend on the evaluation.
    XCTAssertEqual(html.components(separatedBy: "no test set: reason two").count - 1, 3)
    XCTAssertFalse(html.contains("most often mistaken for"))
  }

  func testFontStackNamesCJKFaces() {
    XCTAssertTrue(ReportStyle.css.contains(ReportStyle.fontStack))
    for face in ["\"Noto Sans CJK SC\"", "\"WenQuanYi Micro Hei\"", "sans-serif"] {
      XCTAssertTrue(ReportStyle.fontStack.contains(face), face)
    }
  }
}
