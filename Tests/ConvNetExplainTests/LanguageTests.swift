import ConvNetExplain
import Foundation
import XCTest

/// The Chinese rendering says the same as the English one: the course's terms, and exactly the
/// same numbers.
final class LanguageTests: XCTestCase {
  private let english = ExplanationRenderer(language: .english, steps: .all)
  private let chinese = ExplanationRenderer(language: .chinese, steps: .all)

  /// Every number in `text` (digits with optional sign, thousands separators and decimals),
  /// sorted: phrase order may differ between languages, the numbers may not.
  private func numbers(_ text: String) -> [String] {
    let expression = try! NSRegularExpression(pattern: "-?[0-9]+(,[0-9]{3})*(\\.[0-9]+)?(e[-+]?[0-9]+)?")
    let range = NSRange(text.startIndex..., in: text)
    return expression.matches(in: text, range: range).map { String(text[Range($0.range, in: text)!]) }
      .sorted()
  }

  private func assertSameNumbers(
    _ en: String, _ zh: String, file: StaticString = #filePath, line: UInt = #line
  ) {
    // Compared as one string: a failure prints two lines rather than two long arrays.
    XCTAssertEqual(
      numbers(en).joined(separator: " "), numbers(zh).joined(separator: " "), file: file, line: line)
    XCTAssertFalse(numbers(en).isEmpty, file: file, line: line)
  }

  func testConvolutionInChinese() throws {
    let e = try ConvolutionExplanation(CourseExample.request())
    let (en, zh) = (english.render(e), chinese.render(e))
    for term in ["卷积", "步长", "填充", "特征图", "感受野", "参数量", "滤波器", "偏置"] {
      XCTAssertTrue(zh.contains(term), "missing \(term)")
    }
    XCTAssertTrue(zh.contains("0 + 2 + 0 + 1（偏置 b0） = 3"), zh)
    assertSameNumbers(en, zh)
    XCTAssertNil(
      en.range(of: "[\\u4e00-\\u9fff]", options: .regularExpression), "Chinese in the English text")
  }

  func testPoolingBackwardParametersAndActivationsInChinese() throws {
    let input = PoolingExplanationTests.input
    let pool = try PoolingExplanation(PoolingRequest(kind: .max, input: input))
    XCTAssertTrue(chinese.render(pool).contains("池化"))
    assertSameNumbers(english.render(pool), chinese.render(pool))
    let average = try PoolingExplanation(PoolingRequest(kind: .average, input: input))
    assertSameNumbers(english.render(average), chinese.render(average))

    let backward = try ConvolutionBackwardExplanation(
      input: [[[1, 2, 3], [4, 5, 6], [7, 8, 9]]], kernel: [[[1, 0], [0, -1]]])
    XCTAssertTrue(chinese.render(backward).contains("反向传播"))
    XCTAssertTrue(chinese.render(backward).contains("旋转 180°"))
    assertSameNumbers(english.render(backward), chinese.render(backward))
    let poolBackward = try PoolingBackwardExplanation(PoolingRequest(kind: .max, input: input))
    assertSameNumbers(english.render(poolBackward), chinese.render(poolBackward))

    let params = try ParameterExplanation(architecture: "lenet5-1998")
    XCTAssertTrue(chinese.render(params).contains("参数量"))
    XCTAssertTrue(chinese.render(params).contains("连接表"))
    assertSameNumbers(english.render(params), chinese.render(params))

    for kind in ActivationKind.allCases {
      let e = ActivationExplanation(kind)
      XCTAssertTrue(chinese.render(e).contains("激活函数"))
      assertSameNumbers(english.render(e), chinese.render(e))
    }
  }

  /// Both tables hold every phrase, with the same placeholders.
  func testPhraseTablesAreComplete() {
    XCTAssertEqual(ExplainLanguage.allCases.map(\.rawValue), ["en", "zh"])
    XCTAssertEqual(ExplainLanguage.phraseTableProblems(), [])
  }
}
