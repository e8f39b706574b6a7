import ConvNetNN
import ConvNetTensor
import Foundation
import XCTest

/// `BeamSearch` on a toy decoder whose next-token probabilities depend only on the last token,
/// so every hypothesis's probability is a product worked out on paper. Tokens: 0 = end,
/// 1 = a, 2 = b, 3 = start.
final class BeamSearchTests: XCTestCase {
  /// Rows: the last token; columns: P(end, a, b, start).
  static let table: [[Double]] = [
    [1, 0, 0, 0],  // after end (never continued)
    [0.6, 0.2, 0.2, 0],  // after a
    [0.5, 0.25, 0.25, 0],  // after b
    [0.4, 0.5, 0.1, 0],  // after start
  ]

  /// The decoder: log P from the table. Its "state" is, per beam, the tokens it has consumed;
  /// after `reorder` each beam's state must be its tokens but the newest, so the test sees
  /// whether `reorder` was given the right parents.
  func run(_ search: BeamSearch, table: [[Double]] = table) -> [BeamHypothesis] {
    search.search(
      start: [3], initialState: [[Int]]([[]]),
      step: { beams, state in
        XCTAssertEqual(beams.map { Array($0.dropLast()) }, state, "the reordered state follows the beams")
        let rows = beams.flatMap { tokens in table[tokens.last!].map { Float(Foundation.log($0)) } }
        return (Tensor(shape: [beams.count, 4], scalars: rows), beams)
      },
      reorder: { state, parents in parents.map { state[$0] } })
  }

  /// Width 2. Step 1: a 0.5 (live), end 0.4 (rank 1 < 2: finished, |Y| = 1), b 0.1 (live).
  /// Step 2: a·end 0.30 (rank 0: finished, |Y| = 2) → two finished, stop.
  /// Scores: none: ln 0.4 = −0.916 beats ln 0.3 = −1.204; length-normalised α = 1: −0.916 vs
  /// −0.602 (a wins); GNMT α = 1: −0.916 vs −1.204/(7/6) = −1.032 (end wins); GNMT α = 2:
  /// −0.916 vs −1.204/(7/6)² = −0.885 (a wins).
  func testLengthPenaltiesChooseDifferently() throws {
    let cases: [(LengthPenalty, [[Int]], [Float])] = [
      (.none, [[], [1]], [-0.916291, -1.203973]),
      (.lengthNormalized(alpha: 1), [[1], []], [-0.601986, -0.916291]),
      (.gnmt(alpha: 1), [[], [1]], [-0.916291, -1.031977]),
      (.gnmt(alpha: 2), [[1], []], [-0.884552, -0.916291]),
    ]
    for (penalty, tokens, scores) in cases {
      let result = run(try BeamSearch(width: 2, maxLength: 10, endToken: 0, lengthPenalty: penalty))
      XCTAssertEqual(result.map(\.tokens), tokens, "\(penalty)")
      XCTAssertEqual(result.map(\.isFinished), [true, true])
      for (hypothesis, score) in zip(result, scores) {
        XCTAssertEqual(hypothesis.score, score, accuracy: 1e-5, "\(penalty)")
      }
    }
  }

  /// Where greedy and beam differ. After start: a 0.55, b 0.45; after a: end 0.3, a 0.4, b 0.3;
  /// after b: end 0.9. Width 1 follows the likeliest token — a, then a (0.4 beats end 0.3) —
  /// and never ends: five a's, unfinished, P = 0.55·0.4⁴. Width 2: step 2 gives b·end 0.405
  /// (rank 0: finished), a·a 0.22 and a·b 0.165 live (a·end 0.165 has rank 2 ≥ width: dropped);
  /// step 3 gives a·b·end 0.1485 (rank 0): two finished, stop.
  func testBeamBeatsGreedy() throws {
    let table: [[Double]] = [[1, 0, 0, 0], [0.3, 0.4, 0.3, 0], [0.9, 0.05, 0.05, 0], [0, 0.55, 0.45, 0]]
    let greedy = run(try BeamSearch(width: 1, maxLength: 5, endToken: 0), table: table)
    XCTAssertEqual(greedy.map(\.tokens), [[1, 1, 1, 1, 1]])
    XCTAssertEqual(greedy.map(\.isFinished), [false])
    XCTAssertEqual(greedy[0].logProbability, Float(Foundation.log(0.55 * 0.4 * 0.4 * 0.4 * 0.4)), accuracy: 1e-5)
    let beam = run(try BeamSearch(width: 2, maxLength: 5, endToken: 0), table: table)
    XCTAssertEqual(beam.map(\.tokens), [[2], [1, 2]])
    XCTAssertEqual(beam.map(\.isFinished), [true, true])
    XCTAssertEqual(beam[0].logProbability, Float(Foundation.log(0.405)), accuracy: 1e-5)
    XCTAssertEqual(beam[1].logProbability, Float(Foundation.log(0.1485)), accuracy: 1e-5)
  }

  /// maxLength 1 with width 2 on the first table: end (0.4) finishes, a and b are still live and
  /// come back unfinished, ranked by log P: end −0.916, a −0.693… so a, end, b.
  func testMaxLengthReturnsLiveBeams() throws {
    let result = run(try BeamSearch(width: 2, maxLength: 1, endToken: 0))
    XCTAssertEqual(result.map(\.tokens), [[1], [], [2]])
    XCTAssertEqual(result.map(\.isFinished), [false, true, false])
  }

  /// The beams change places: after start a 0.6, b 0.4; after a: end 0.5, a 0.25, b 0.25; after
  /// b: a 0.9. Step 2 ranks b·a 0.36 (parent 1) before a·end 0.30 (finished) and a·a 0.15
  /// (parent 0), so `reorder` gets parents [1, 0] — the state check in `run` fails otherwise.
  /// Step 3: b·a·end 0.18 finishes first → [a] (0.30), then [b, a] (0.18).
  func testReorderFollowsParents() throws {
    let table: [[Double]] = [[1, 0, 0, 0], [0.5, 0.25, 0.25, 0], [0.05, 0.9, 0.05, 0], [0, 0.6, 0.4, 0]]
    let result = run(try BeamSearch(width: 2, maxLength: 5, endToken: 0), table: table)
    XCTAssertEqual(result.map(\.tokens), [[1], [2, 1]])
    XCTAssertEqual(result[1].logProbability, Float(Foundation.log(0.18)), accuracy: 1e-5)
  }

  func testRefusedSettings() {
    XCTAssertThrowsError(try BeamSearch(width: 0, maxLength: 3, endToken: 0)) {
      XCTAssertEqual(String(describing: $0), "beam width must be ≥ 1, got 0")
    }
    XCTAssertThrowsError(try BeamSearch(width: 2, maxLength: 0, endToken: 0)) {
      XCTAssertEqual(String(describing: $0), "maximum length must be ≥ 1, got 0")
    }
  }
}
