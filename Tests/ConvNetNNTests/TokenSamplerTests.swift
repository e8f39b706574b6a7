import ConvNetNN
import ConvNetTensor
import Foundation
import XCTest

/// `TokenSampler`: the filtered distributions worked out by hand for logits ln(1, 2, 3, 4)
/// (probabilities 0.1, 0.2, 0.3, 0.4), the draws' frequencies against those distributions, the
/// tie rules and the settings it refuses.
final class TokenSamplerTests: XCTestCase {
  let logits: [Float] = [1, 2, 3, 4].map { Foundation.log($0) }

  func testDistributions() throws {
    let cases: [(TokenSampler, [Float])] = [
      (try TokenSampler(), [0.1, 0.2, 0.3, 0.4]),
      // T = 2: p ∝ √(1, 2, 3, 4) = 1, 1.4142, 1.7321, 2 (sum 6.1463).
      (try TokenSampler(temperature: 2), [0.162700, 0.230094, 0.281805, 0.325400]),
      (try TokenSampler(topK: 2), [0, 0, 3.0 / 7, 4.0 / 7]),
      (try TokenSampler(topK: 9), [0.1, 0.2, 0.3, 0.4]),
      // Sorted 0.4, 0.3, 0.2, 0.1: cumulative 0.4 < 0.5 ≤ 0.7 → tokens 3 and 2.
      (try TokenSampler(topP: 0.5), [0, 0, 3.0 / 7, 4.0 / 7]),
      (try TokenSampler(topP: 0.35), [0, 0, 0, 1]),
      (try TokenSampler(topP: 0.75), [0, 2.0 / 9, 3.0 / 9, 4.0 / 9]),
      (try TokenSampler(topP: 1), [0.1, 0.2, 0.3, 0.4]),
      // top-k 3 first (0.2, 0.3, 0.4 → 2/9, 3/9, 4/9), then top-p 0.6: 4/9 < 0.6 ≤ 7/9.
      (try TokenSampler(topK: 3, topP: 0.6), [0, 0, 3.0 / 7, 4.0 / 7]),
      (try TokenSampler(temperature: 0), [0, 0, 0, 1]),
      (TokenSampler.greedy, [0, 0, 0, 1]),
    ]
    for (sampler, expected) in cases {
      let actual = sampler.distribution(logits: logits)
      for (a, e) in zip(actual, expected) {
        XCTAssertEqual(a, e, accuracy: 1e-5, "\(sampler): \(actual) vs \(expected)")
      }
    }
  }

  /// Ties: top-k keeps every token tied with the k-th logit; top-p takes equal probabilities
  /// lower id first; greedy takes the lowest id among equal maxima. −∞ is never kept.
  func testTiesAndMaskedTokens() throws {
    let tied: [Float] = [0, 1, 1, 1, -.infinity]
    XCTAssertEqual(try TokenSampler(topK: 2).distribution(logits: tied).map { $0 > 0 }, [false, true, true, true, false])
    // Probabilities e/(1+3e) each for tokens 1…3 (≈ 0.30): p = 0.5 needs two, the lower ids.
    XCTAssertEqual(try TokenSampler(topP: 0.5).distribution(logits: tied), [0, 0.5, 0.5, 0, 0])
    XCTAssertEqual(TokenSampler.greedy.sample(logits: tied, using: &generator), 1)
    // Two tokens of 0.5: the first alone reaches p = 0.5, so it is the nucleus.
    XCTAssertEqual(try TokenSampler(topP: 0.5).distribution(logits: [2, 2]), [1, 0])
    var g = SeededGenerator(seed: 1)
    for _ in 0..<200 { XCTAssertNotEqual(try TokenSampler().sample(logits: tied, using: &g), 4) }
  }

  var generator = SeededGenerator(seed: 0)

  /// 40 000 draws per sampler: each token's count within 5 binomial standard deviations
  /// √(n·p·(1 − p)) of n·p (a false alarm has probability < 10⁻⁶ per count), filtered tokens
  /// never drawn.
  func testFrequenciesFollowTheDistribution() throws {
    for sampler in [try TokenSampler(), try TokenSampler(temperature: 0.5, topK: 3), try TokenSampler(topP: 0.75)] {
      var g = SeededGenerator(seed: 42)
      let n = 40_000
      var counts = [Int](repeating: 0, count: 4)
      for _ in 0..<n { counts[sampler.sample(logits: logits, using: &g)] += 1 }
      for (token, p) in sampler.distribution(logits: logits).enumerated() {
        let expected = Double(n) * Double(p)
        let sigma = (Double(n) * Double(p) * (1 - Double(p))).squareRoot()
        XCTAssertLessThanOrEqual(abs(Double(counts[token]) - expected), 5 * sigma + 1e-9, "\(sampler) token \(token): \(counts)")
      }
    }
  }

  func testSameSeedSameTokensAndRows() throws {
    let sampler = try TokenSampler(temperature: 0.8, topK: 3)
    let rows = Tensor(shape: [3, 4], scalars: logits + logits.reversed() + [0, 0, 9, 0])
    var first = SeededGenerator(seed: 7)
    var second = SeededGenerator(seed: 7)
    let a = (0..<20).flatMap { _ in sampler.sample(logits: rows, using: &first) }
    let b = (0..<20).flatMap { _ in sampler.sample(logits: rows, using: &second) }
    XCTAssertEqual(a, b)
    XCTAssertEqual(a.count, 60)
    XCTAssertEqual(TokenSampler.greedy.sample(logits: rows, using: &first), [3, 0, 2])
  }

  func testRefusedSettings() {
    let cases: [(() throws -> TokenSampler, String)] = [
      ({ try TokenSampler(temperature: -1) }, "temperature must be a finite number ≥ 0, got -1.0"),
      ({ try TokenSampler(temperature: .nan) }, "temperature must be a finite number ≥ 0, got nan"),
      ({ try TokenSampler(topK: 0) }, "top-k must be ≥ 1, got 0"),
      ({ try TokenSampler(topP: 0) }, "top-p must be in (0, 1], got 0.0"),
      ({ try TokenSampler(topP: 1.5) }, "top-p must be in (0, 1], got 1.5"),
    ]
    for (make, message) in cases {
      XCTAssertThrowsError(try make()) { XCTAssertEqual(String(describing: $0), message) }
    }
  }
}
