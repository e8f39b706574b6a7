import Foundation
import TestSupport
import XCTest

/// `convnet fit` and `convnet predict` on the table fixture of TableFitTests (its least-squares
/// coefficients come from numpy: Fixtures/regression/lstsq_reference.txt).
final class FitCLITests: XCTestCase {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent()
    .appendingPathComponent("ConvNetTrainingTests/Fixtures/regression")

  func testFitPrintsCoefficientsAndSavesWeightsThatPredict() throws {
    let directory = try makeTemporaryDirectory()
    let weights = directory.appendingPathComponent("linear.safetensors").path
    let data = Self.fixtures.appendingPathComponent("linear.csv").path
    let fit = try ConvNetExecutable.run(
      ["fit", "--data", data, "--target", "y", "--test-split", "0", "--solver", "exact", "--save", weights])
    XCTAssertEqual(fit.status, 0, fit.standardError)
    // numpy lstsq: x1 0.525805946758, x2 −0.0314007628253, group=b 1.61619484662 (per unit).
    for expected in ["x1", "0.525806", "-0.0314008", "group=b", "1.61619", "(intercept)", "R²"] {
      XCTAssertTrue(fit.standardOutput.contains(expected), "\(expected) in\n\(fit.standardOutput)")
    }
    let output = directory.appendingPathComponent("predictions.csv").path
    let predict = try ConvNetExecutable.run([
      "predict", "--weights", weights, "--data", data, "--output", output,
    ])
    XCTAssertEqual(predict.status, 0, predict.standardError)
    let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
    XCTAssertEqual(lines.count, 61)
    XCTAssertEqual(lines.first, "line,predicted y")
    XCTAssertTrue(predict.standardOutput.contains("RMSE"), predict.standardOutput)
  }

  func testBadInputNamesTheFlagOrColumn() throws {
    let data = Self.fixtures.appendingPathComponent("linear.csv").path
    let target = try ConvNetExecutable.run(["fit", "--data", data, "--target", "nope"])
    XCTAssertEqual(target.status, 1)
    XCTAssertTrue(
      target.standardError.contains("linear.csv: header has no target column \"nope\""), target.standardError)
    let hidden = try ConvNetExecutable.run([
      "fit", "--data", data, "--target", "y", "--model", "mlp", "--hidden", "4,x",
    ])
    XCTAssertEqual(hidden.status, 2)
    XCTAssertTrue(hidden.standardError.contains("--hidden 4,x"), hidden.standardError)
    let solver = try ConvNetExecutable.run(
      ["fit", "--data", data, "--target", "group", "--model", "logistic-regression", "--solver", "exact"])
    XCTAssertEqual(solver.status, 1)
    XCTAssertTrue(solver.standardError.contains("--solver exact"), solver.standardError)
    let notTable = try ConvNetExecutable.run(["predict", "--weights", data, "--data", data])
    XCTAssertEqual(notTable.status, 1)
    XCTAssertTrue(notTable.standardError.contains("linear.csv"), notTable.standardError)
  }
}
