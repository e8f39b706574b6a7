import ConvNet
import Foundation
import XCTest

/// Table models against closed-form references written by Fixtures/regression/make_lstsq_reference.py
/// (numpy `lstsq` for linear regression, Newton's method for logistic and multinomial logistic
/// regression) from the CSV files it committed beside them.
final class TableFitTests: XCTestCase {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/regression")

  func table(_ name: String) throws -> DelimitedTable {
    try DelimitedTable.read(contentsOf: Self.fixtures.appendingPathComponent(name))
  }

  /// Reference lines "NAME VALUE" (or "CLASS NAME VALUE") keyed by everything before the value.
  func reference(_ name: String) throws -> [String: Double] {
    let text = try String(contentsOf: Self.fixtures.appendingPathComponent(name), encoding: .utf8)
    var values: [String: Double] = [:]
    for line in text.split(separator: "\n") {
      let parts = line.split(separator: " ")
      values[parts.dropLast().joined(separator: " ")] = Double(parts.last!)!
    }
    return values
  }

  func assertCoefficients(
    _ coefficients: TableCoefficients, output: Int, equal expected: [String: Double], tolerance: Double,
    file: StaticString = #filePath, line: UInt = #line
  ) {
    let rows = [coefficients.intercept] + coefficients.features
    XCTAssertEqual(Set(rows.map(\.name)), Set(expected.keys), file: file, line: line)
    for row in rows {
      let want = expected[row.name] ?? .nan
      XCTAssertEqual(
        row.original[output], want, accuracy: tolerance * max(1, abs(want)), "\(row.name)", file: file,
        line: line)
    }
  }

  func testLinearRegressionByGradientDescentEqualsLeastSquares() throws {
    var settings = TableFitSettings()
    settings.testFraction = 0  // the reference is fitted on every row
    let fit = try TableFit.fit(try table("linear.csv"), target: "y", settings: settings)
    let coefficients = try XCTUnwrap(fit.coefficients)
    XCTAssertEqual(coefficients.outputNames, ["y"])
    assertCoefficients(coefficients, output: 0, equal: try reference("lstsq_reference.txt"), tolerance: 1e-4)
  }

  func testExactSolverEqualsLeastSquares() throws {
    var settings = TableFitSettings()
    settings.testFraction = 0
    settings.solver = .exact
    let fit = try TableFit.fit(try table("linear.csv"), target: "y", settings: settings)
    assertCoefficients(
      try XCTUnwrap(fit.coefficients), output: 0, equal: try reference("lstsq_reference.txt"), tolerance: 1e-5
    )
    XCTAssertNil(fit.finalLoss)
  }

  func testBinaryLogisticRegressionEqualsNewton() throws {
    var settings = TableFitSettings()
    settings.model = .logisticRegression
    settings.testFraction = 0
    let fit = try TableFit.fit(try table("logistic.csv"), target: "kind", settings: settings)
    XCTAssertEqual(fit.description.outputs, 1)
    let coefficients = try XCTUnwrap(fit.coefficients)
    XCTAssertEqual(coefficients.outputNames, ["log-odds of yes"])
    assertCoefficients(
      coefficients, output: 0, equal: try reference("logistic_reference.txt"), tolerance: 1e-4)
  }

  func testMultinomialLogisticRegressionEqualsNewton() throws {
    var settings = TableFitSettings()
    settings.model = .logisticRegression
    settings.testFraction = 0
    settings.steps = 4000
    let fit = try TableFit.fit(try table("multinomial.csv"), target: "species", settings: settings)
    XCTAssertEqual(fit.description.outputs, 3)
    let coefficients = try XCTUnwrap(fit.coefficients)
    // Softmax logits are defined up to a common shift: compare differences from class p.
    let expected = try reference("multinomial_reference.txt")
    for (k, name) in [(1, "q"), (2, "r")] {
      for row in [coefficients.intercept] + coefficients.features {
        let want = try XCTUnwrap(expected["\(name) \(row.name)"])
        XCTAssertEqual(
          row.original[k] - row.original[0], want, accuracy: 1e-4 * max(1, abs(want)), "\(name) \(row.name)")
      }
    }
  }

  func testSavedModelPredictsLikeTheFittedOne() throws {
    var settings = TableFitSettings()
    settings.model = .mlp
    settings.hidden = [8, 4]
    settings.steps = 50
    let data = try table("logistic.csv")
    let fit = try TableFit.fit(data, target: "kind", settings: settings)
    XCTAssertNil(fit.coefficients)
    XCTAssertEqual(
      fit.model.stateDict().map(\.name), ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"])
    XCTAssertEqual(fit.trainingRows.count + fit.testRows.count, 80)
    XCTAssertEqual(fit.testRows.count, 16)
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("table-\(UUID()).safetensors")
    defer { try? FileManager.default.removeItem(at: url) }
    try fit.predictor.save(to: url)
    let loaded = try TablePredictor(contentsOf: url)
    XCTAssertEqual(loaded.preprocessing, fit.preprocessing)
    XCTAssertEqual(loaded.description, fit.description)
    // A new file with the columns in another order and without the target.
    let reordered = try DelimitedTable.parse("site,x2,x1\nv,5,0.5\nu,1,-2\n", file: "new.csv", dialect: .csv)
    let original = try DelimitedTable.parse(
      "x1,x2,site,kind\n0.5,5,v,no\n-2,1,u,no\n", file: "old.csv", dialect: .csv)
    XCTAssertEqual(try loaded.predict(reordered), try fit.predictor.predict(original))
    let unseen = try DelimitedTable.parse("site,x2,x1\nw,5,0.5\n", file: "new.csv", dialect: .csv)
    XCTAssertThrowsError(try loaded.predict(unseen)) { error in
      XCTAssertTrue("\(error)".contains("new.csv: line 2, column 1 (site)"), "\(error)")
    }
  }

  func testSettingsThatDoNotFitAreRefused() throws {
    var settings = TableFitSettings()
    settings.model = .logisticRegression
    settings.solver = .exact
    XCTAssertThrowsError(try TableFit.fit(try table("logistic.csv"), target: "kind", settings: settings)) {
      XCTAssertEqual(($0 as? SettingError)?.setting, "solver")
    }
    settings = TableFitSettings()
    XCTAssertThrowsError(try TableFit.fit(try table("logistic.csv"), target: "kind", settings: settings)) {
      XCTAssertTrue("\($0)".contains("expected a number for a regression target"), "\($0)")
    }
    XCTAssertThrowsError(try TableFit.fit(try table("logistic.csv"), target: "nope", settings: settings)) {
      XCTAssertTrue("\($0)".contains("nope"), "\($0)")
    }
  }

  func testLeastSquaresRefusesCollinearColumns() {
    // Column 3 = column 1 + column 2.
    let matrix: [Double] = [1, 0, 1, 0, 1, 1, 1, 1, 2, 2, 1, 3]
    XCTAssertThrowsError(try LeastSquares.solve(matrix: matrix, rows: 4, columns: 3, targets: [1, 2, 3, 4]))
    // Exact fit y = 1 + 2t: β = (1, 2).
    let beta = try? LeastSquares.solve(matrix: [1, 0, 1, 1, 1, 2], rows: 3, columns: 2, targets: [1, 3, 5])
    XCTAssertEqual(beta?[0] ?? .nan, 1, accuracy: 1e-12)
    XCTAssertEqual(beta?[1] ?? .nan, 2, accuracy: 1e-12)
  }
}
