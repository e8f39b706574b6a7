import ConvNetExplain
import Foundation
import XCTest

final class ActivationExplanationTests: XCTestCase {
  /// σ′ = σ(1 − σ) peaks at 0 with 1/4; σ′ < 0.01 where σ > (1 + √0.96)/2, i.e.
  /// |x| > ln(σ/(1 − σ)) ≈ 4.585 — the first point of the 0.05 grid beyond is 4.6. Ten layers
  /// keep at most 0.25¹⁰ = 9.54e−7 of a gradient.
  func testSigmoid() {
    let e = ActivationExplanation(.sigmoid)
    XCTAssertEqual(e.steepest.x, 0)
    XCTAssertEqual(e.steepest.derivative, 0.25, accuracy: 1e-6)
    let sigma = (1 + (0.96 as Double).squareRoot()) / 2
    let edge = log(sigma / (1 - sigma))
    XCTAssertEqual(edge, 4.585, accuracy: 1e-3)
    XCTAssertEqual(Double(try XCTUnwrap(e.saturatesBeyond)), 4.6, accuracy: 1e-5)
    XCTAssertEqual(e.gradientBound, pow(0.25, 10), accuracy: 1e-12)
    let atOne = e.samples.first { $0.x == 1 }!
    XCTAssertEqual(Double(atOne.value), 1 / (1 + exp(-1)), accuracy: 1e-6)
    XCTAssertEqual(Double(atOne.derivative), exp(-1) / pow(1 + exp(-1), 2), accuracy: 1e-6)
    let text = ExplanationRenderer().render(e)
    XCTAssertTrue(text.contains("0.25^10 = 9.54e-07"), text)
    XCTAssertTrue(text.contains("┼"), text)
  }

  /// tanh′ = 1 − tanh² < 0.01 where |x| > atanh(√0.99) ≈ 2.993: saturated from 3.0 on the grid.
  func testTanh() throws {
    let e = ActivationExplanation(.tanh)
    XCTAssertEqual(e.steepest.derivative, 1, accuracy: 1e-6)
    XCTAssertEqual(atanh((0.99 as Double).squareRoot()), 2.993, accuracy: 1e-3)
    XCTAssertEqual(Double(try XCTUnwrap(e.saturatesBeyond)), 3.0, accuracy: 1e-5)
    XCTAssertTrue(ExplanationRenderer().render(e).contains("a saturated unit (|x| ≥ 3) all but stops it"))
  }

  func testReLUFamily() {
    let relu = ActivationExplanation(.relu)
    XCTAssertNil(relu.saturatesBeyond)
    XCTAssertEqual(relu.negativeSlope, 0)
    XCTAssertEqual(relu.samples.map(\.derivative), [0, 0, 0, 0, 0, 1, 1, 1, 1])
    let leaky = ActivationExplanation(.leaky)
    XCTAssertEqual(leaky.negativeSlope, 0.01)
    XCTAssertEqual(leaky.samples.first?.value ?? 0, -0.05, accuracy: 1e-7)
    let randomized = ActivationExplanation(.rrelu)
    let range = try! XCTUnwrap(randomized.trainingSlopeRange)
    XCTAssertEqual(randomized.negativeSlope ?? 0, (range.lower + range.upper) / 2, accuracy: 1e-7)
    XCTAssertEqual(randomized.trainingSlopes.count, 5)
    XCTAssertTrue(randomized.trainingSlopes.allSatisfy { range.lower <= $0 && $0 <= range.upper })
    XCTAssertGreaterThan(Set(randomized.trainingSlopes).count, 1)
  }
}
