import ConvNetDraw
import XCTest

/// Round ticks, worked out by hand: step = the smallest 1/2/5 × 10^k ≥ span / intervals; ticks
/// from ⌊min/step⌋·step to ⌈max/step⌉·step.
final class AxisTicksTests: XCTestCase {
  func testNiceSteps() {
    XCTAssertEqual(AxisTicks.niceStep(atLeast: 0.462), 0.5)
    XCTAssertEqual(AxisTicks.niceStep(atLeast: 1), 1)
    XCTAssertEqual(AxisTicks.niceStep(atLeast: 1.0001), 2)
    XCTAssertEqual(AxisTicks.niceStep(atLeast: 3), 5)
    XCTAssertEqual(AxisTicks.niceStep(atLeast: 7), 10)
    XCTAssertEqual(AxisTicks.niceStep(atLeast: 469), 500)
    XCTAssertEqual(AxisTicks.niceStep(atLeast: 0.01728), 0.02, accuracy: 1e-15)
  }

  func testTicksCoverTheData() {
    // 2.31 / 5 = 0.462 → 0.5.
    XCTAssertEqual(AxisTicks(covering: 0, 2.31).values, [0, 0.5, 1, 1.5, 2, 2.5])
    // 0.0864 / 5 = 0.01728 → 0.02; ⌊0.615⌋ = 0, ⌈4.935⌉ = 5.
    XCTAssertEqual(AxisTicks(covering: 0.0123, 0.0987).values, [0, 0.02, 0.04, 0.06, 0.08, 0.1])
    // 0.6 / 5 = 0.12 → 0.2; ⌊1.5⌋ = 1, ⌈4.5⌉ = 5 (no 0.30000000000000004 noise).
    XCTAssertEqual(AxisTicks(covering: 0.3, 0.9).values, [0.2, 0.4, 0.6, 0.8, 1])
    // 2814 steps over 6 intervals: 469 → 500.
    let steps = AxisTicks(covering: 0, 2814, maximumIntervals: 6)
    XCTAssertEqual(steps.values, [0, 500, 1000, 1500, 2000, 2500, 3000])
    XCTAssertEqual(steps.low, 0)
    XCTAssertEqual(steps.high, 3000)
    // A flat series: 5 ± 0.5, step 0.2, ⌊22.5⌋ = 22 → 4.4, ⌈27.5⌉ = 28 → 5.6.
    XCTAssertEqual(AxisTicks(covering: 5, 5).values, [4.4, 4.6, 4.8, 5, 5.2, 5.4, 5.6])
    XCTAssertEqual(AxisTicks(covering: .nan, 1).values, [0, 0.2, 0.4, 0.6, 0.8, 1])
    XCTAssertEqual(AxisTicks(covering: -1, 1).values, [-1, -0.5, 0, 0.5, 1])
  }

  func testLabels() {
    let small = AxisTicks(covering: 0.0123, 0.0987)
    XCTAssertEqual(small.values.map { small.label($0) }, ["0.00", "0.02", "0.04", "0.06", "0.08", "0.10"])
    let steps = AxisTicks(covering: 0, 2814, maximumIntervals: 6)
    XCTAssertEqual(steps.label(1500), "1500")
    let accuracy = AxisTicks(covering: 0.96, 0.99)  // 0.006 → 0.01
    XCTAssertEqual(accuracy.values.map { accuracy.label($0, percent: true) }, ["96%", "97%", "98%", "99%"])
    let fine = AxisTicks(covering: 0.97, 0.99)  // 0.004 → 0.005: 97.0%, 97.5% …
    XCTAssertEqual(fine.label(0.975, percent: true), "97.5%")
    let tenths = AxisTicks(covering: -1, 1)
    XCTAssertEqual(tenths.values.map { tenths.label($0) }, ["-1.0", "-0.5", "0.0", "0.5", "1.0"])
  }
}
