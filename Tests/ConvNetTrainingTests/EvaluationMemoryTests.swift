import ConvNet
import Foundation
import TestSupport
import XCTest

/// Evaluation after every epoch must not hold on to memory: over thousands of short epochs a
/// few hundred bytes per call add up (issue 12 saw ~1.3 KB per epoch of training).
final class EvaluationMemoryTests: XCTestCase {
  /// 20,000 evaluations of LeNet-5 on two batches (so the prefetch thread runs every time)
  /// gain less than 100 bytes of resident memory each: a result, batch or thread kept per
  /// call would show as kilobytes. (Measured: 0–2 bytes per call.)
  func testRepeatedEvaluationKeepsMemoryFlat() throws {
    let digits = try EmbeddedMNIST.load(.test).prefix(16)
    let model = RandomSource.withSeed(1) { LeNet5() }
    let loader = DataLoader(dataset: digits, batchSize: 8, shuffle: false)
    var kept: [EvaluationResult] = []
    for _ in 0..<500 { _ = evaluate(model, on: loader, classCount: 10) }
    let before = try residentBytes()
    let count = 20_000
    for k in 0..<count {
      let result = evaluate(model, on: loader, classCount: 10)
      if k == 0 { kept.append(result) }
    }
    let perCall = Double(try residentBytes() - before) / Double(count)
    XCTAssertLessThan(perCall, 100, "evaluate() gains \(perCall) bytes per call")
    XCTAssertEqual(kept[0].count, 16)
  }
}
