import Foundation
import XCTest

/// `convnet explain` run as a user would: the course's numbers on standard output, bad input as
/// one line naming the flag.
final class ExplainCLITests: XCTestCase {

  private func convnet(_ arguments: [String]) throws -> ConvNetExecutable.Run {
    try ConvNetExecutable.run(arguments)
  }

  /// The course's worked example: the first cell is 0 + 2 + 0 plus bias 1 = 3, in both languages.
  func testCourseWorkedExample() throws {
    let arguments = [
      "explain", "conv", "--values",
      "1 1 2 0 1; 1 1 0 2 2; 0 2 1 1 0; 2 0 0 1 2; 1 2 2 0 0 | 0 1 2 1 0; 2 2 0 0 1; 1 0 2 2 1; "
        + "0 1 1 0 2; 2 0 1 1 0 | 2 2 0 1 1; 0 0 1 2 0; 1 2 0 0 2; 2 1 1 2 0; 0 1 2 0 1",
      "--weights", "1 1 1; -1 -1 0; -1 1 0 | -1 -1 1; -1 1 0; -1 1 0 | 1 0 -1; 0 0 0; 1 -1 -1",
      "--bias", "1", "--stride", "2", "--padding", "1",
    ]
    let en = try convnet(arguments)
    XCTAssertEqual(en.status, 0, en.standardError)
    XCTAssertTrue(en.standardOutput.contains("(5 − 3 + 2·1)/2 + 1 = 4/2 + 1 = 3"), en.standardOutput)
    XCTAssertTrue(en.standardOutput.contains("0 + 2 + 0 + 1 (bias b0) = 3"), en.standardOutput)
    XCTAssertTrue(en.standardOutput.contains("✓ the library's conv2d kernel"), en.standardOutput)
    let zh = try convnet(arguments + ["--lang", "zh"])
    XCTAssertEqual(zh.status, 0, zh.standardError)
    XCTAssertTrue(zh.standardOutput.contains("0 + 2 + 0 + 1（偏置 b0） = 3"), zh.standardOutput)
    XCTAssertTrue(zh.standardOutput.contains("感受野"), zh.standardOutput)
  }

  func testParamsAndSizes() throws {
    let params = try convnet(["explain", "params", "--arch", "lenet5"])
    XCTAssertEqual(params.status, 0, params.standardError)
    XCTAssertTrue(params.standardOutput.contains("total: 61,706 parameters"), params.standardOutput)
    let sizes = try convnet(["explain", "conv", "--input", "7x7", "--kernel", "3", "--stride", "2"])
    XCTAssertTrue(sizes.standardOutput.contains("= 4/2 + 1 = 3"), sizes.standardOutput)
    // Values may begin with a minus sign (not taken for an option): (−1)·(−2) + 3·(−1) = −1, plus
    // the bias −1 = −2.
    let negative = try convnet(["explain", "conv", "--values", "-1 3", "--weights", "-2 -1", "--bias", "-1"])
    XCTAssertEqual(negative.status, 0, negative.standardError)
    XCTAssertTrue(negative.standardOutput.contains("(-1) + (-1) (bias b0) = -2"), negative.standardOutput)
  }

  func testBadInputIsOneLineNamingTheFlag() throws {
    let ragged = try convnet(["explain", "conv", "--values", "1 2; 3", "--weights", "1"])
    XCTAssertNotEqual(ragged.status, 0)
    XCTAssertTrue(
      ragged.standardError.contains("--values: channel 0, row 1 has 1 numbers, expected 2"),
      ragged.standardError)
    let mismatch = try convnet(["explain", "conv", "--values", "1 2; 3 4", "--weights", "1 | 1"])
    XCTAssertTrue(
      mismatch.standardError.contains("--weights: each filter has 2 channel(s)"), mismatch.standardError)
    let size = try convnet(["explain", "conv", "--input", "7by7", "--kernel", "3"])
    XCTAssertTrue(size.standardError.contains("--input \"7by7\""), size.standardError)
    let noWeights = try convnet(["explain", "backward", "--values", "1 2; 3 4"])
    XCTAssertTrue(noWeights.standardError.contains("--weights:"), noWeights.standardError)
    let bigKernel = try convnet(["explain", "backward", "--values", "1 2; 3 4", "--weights", "1 2 3"])
    XCTAssertTrue(
      bigKernel.standardError.contains("--weights: the 1×3 kernel does not fit"), bigKernel.standardError)
    for run in [ragged, mismatch, size, noWeights, bigKernel] {
      XCTAssertEqual(run.standardError.split(separator: "\n").count, 1, run.standardError)
    }
  }
}
