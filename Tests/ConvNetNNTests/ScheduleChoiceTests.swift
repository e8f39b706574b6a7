import ConvNetNN
import Foundation
import TestSupport
import XCTest

/// Schedule specs: parsed once, refused with one line naming the setting, and made into the
/// schedules a trainer applies (rates worked out by hand).
final class ScheduleChoiceTests: XCTestCase {
  func testParsesTheThreeForms() throws {
    XCTAssertEqual(try ScheduleChoice(parsing: "cosine").kind, .cosine)
    XCTAssertEqual(try ScheduleChoice(parsing: "CONSTANT").kind, .constant)
    XCTAssertEqual(try ScheduleChoice(parsing: "step:3").kind, .step(every: 3, gamma: 0.1))
    let step = try ScheduleChoice(parsing: "Step:3:0.5")
    XCTAssertEqual(step.kind, .step(every: 3, gamma: 0.5))
    XCTAssertEqual(step.spec, "step:3:0.5")
    XCTAssertEqual(ScheduleChoice.cosine, try ScheduleChoice(parsing: "cosine"))
    XCTAssertTrue(ScheduleChoice.cosine.isCosine)
    XCTAssertFalse(step.isCosine)
  }

  func testRefusesMalformedSpecsNamingTheSetting() {
    let cases = [
      ("cosine:1", "schedule \"cosine:1\": cosine takes no parameters"),
      ("step", "schedule \"step\": expected step:N[:gamma] with N ≥ 1"),
      ("step:0", "schedule \"step:0\": expected step:N[:gamma] with N ≥ 1"),
      ("step:1:2:3", "schedule \"step:1:2:3\": expected step:N[:gamma] with N ≥ 1"),
      ("step:1:nan", "schedule \"step:1:nan\": gamma must be a finite number ≥ 0, got \"nan\""),
      ("step:1:-1", "schedule \"step:1:-1\": gamma must be a finite number ≥ 0, got \"-1\""),
      ("Linear", "schedule \"Linear\": expected constant, cosine or step:N[:gamma]"),
    ]
    for (text, message) in cases {
      XCTAssertThrowsError(try ScheduleChoice(parsing: text), text) { error in
        XCTAssertEqual((error as? SettingError)?.setting, "schedule")
        XCTAssertEqual("\(error)", message)
      }
    }
  }

  /// Cosine over 2 epochs of 4 steps: per step, boundaries [0, 8]: 0.1 at 0, half at step 4
  /// ((1 + cos π/2)/2 = 0.5), 0 at 8. Extended to 3 epochs ([0, 2, 3]): a new cycle restarts at
  /// step 8 at 0.1 and is halfway at step 10.
  func testCosineAnnealsPerStepOverTheCycles() throws {
    let choice = try ScheduleChoice(parsing: "cosine")
    let planned = choice.schedules(initial: 0.1, stepsPerEpoch: 4, cycles: [0, 2])
    XCTAssertNil(planned.perEpoch)
    let perStep = try XCTUnwrap(planned.perStep)
    XCTAssertEqual(perStep.learningRate(at: 0), 0.1)
    XCTAssertEqual(perStep.learningRate(at: 4), 0.05, accuracy: 1e-7)
    XCTAssertEqual(perStep.learningRate(at: 8), 0, accuracy: 1e-7)
    let extended = try XCTUnwrap(choice.schedules(initial: 0.1, stepsPerEpoch: 4, cycles: [0, 2, 3]).perStep)
    XCTAssertEqual(extended.learningRate(at: 8), 0.1)
    XCTAssertEqual(extended.learningRate(at: 10), 0.05, accuracy: 1e-7)
  }

  /// step:2:0.5 from 0.1, per epoch: 0.1, 0.1, 0.05, 0.05, 0.025.
  func testStepDecaysPerEpoch() throws {
    let schedules = try ScheduleChoice(parsing: "step:2:0.5").schedules(
      initial: 0.1, stepsPerEpoch: 4, cycles: [0, 5])
    XCTAssertNil(schedules.perStep)
    let perEpoch = try XCTUnwrap(schedules.perEpoch)
    assertClose(
      (0..<5).map { perEpoch.learningRate(at: $0) }, [0.1, 0.1, 0.05, 0.05, 0.025], absoluteTolerance: 1e-7,
      relativeTolerance: 0)
    let constant = ScheduleChoice.constant.schedules(initial: 0.1, stepsPerEpoch: 4, cycles: [0, 5])
    XCTAssertNil(constant.perEpoch)
    XCTAssertNil(constant.perStep)
  }

  /// Stored as its spec; a stored spec that does not parse is a decoding error.
  func testCodableAsItsSpec() throws {
    let choice = try ScheduleChoice(parsing: "step:3:0.5")
    let data = try JSONEncoder().encode([choice])
    XCTAssertEqual(String(decoding: data, as: UTF8.self), #"["step:3:0.5"]"#)
    XCTAssertEqual(try JSONDecoder().decode([ScheduleChoice].self, from: data), [choice])
    XCTAssertThrowsError(try JSONDecoder().decode([ScheduleChoice].self, from: Data(#"["step:0"]"#.utf8)))
  }
}
