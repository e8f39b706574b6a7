import ConvNet
import Foundation
import XCTest

/// Every expected number is worked out by hand in the comments (and checked by
/// Fixtures/metrics/reference_metrics.py with scikit-learn and sacrebleu; its output is
/// reference_metrics.txt).
final class MetricsTests: XCTestCase {
  func testRegressionMetrics() throws {
    // Errors ŷ − y = 0.5, 0, −1, 1.5: squares 0.25 + 0 + 1 + 2.25 = 3.5; RMSE = √(3.5/4) = 0.935414…;
    // MAE = 3/4; ȳ = 4.5, Σ(y − ȳ)² = 12.25 + 2.25 + 0.25 + 20.25 = 35, R² = 1 − 3.5/35 = 0.9.
    let metrics = try RegressionMetrics(predictions: [1.5, 3, 4, 10.5], targets: [1, 3, 5, 9])
    XCTAssertEqual(metrics.rootMeanSquaredError, 0.9354143466934853, accuracy: 1e-15)
    XCTAssertEqual(metrics.meanAbsoluteError, 0.75, accuracy: 1e-15)
    XCTAssertEqual(metrics.rSquared!, 0.9, accuracy: 1e-15)
    XCTAssertNil(try RegressionMetrics(predictions: [1, 2], targets: [3, 3]).rSquared)
    XCTAssertThrowsError(try RegressionMetrics(predictions: [1], targets: [1, 2]))
    XCTAssertThrowsError(try RegressionMetrics(predictions: [], targets: []))
  }

  func testAccuracy() throws {
    XCTAssertEqual(
      try ClassificationMetrics.accuracy(predictions: [0, 1, 2, 1], labels: [0, 2, 2, 1]), 0.75)
  }

  func testROCAUCCountsTiesAsOneHalf() throws {
    // sklearn's documentation example: 3 of the 4 positive–negative pairs are ordered right.
    XCTAssertEqual(
      try ClassificationMetrics.rocAUC(
        scores: [0.1, 0.4, 0.35, 0.8], positives: [false, false, true, true]), 0.75)
    // Positives 0.5, 0.9; negatives 0.5, 0.5, 0.2. Pairs: 0.5 vs 0.5 twice → ½ each, 0.5 vs 0.2 → 1,
    // 0.9 beats all three → 3. (½ + ½ + 1 + 3) / 6 = 5/6.
    XCTAssertEqual(
      try ClassificationMetrics.rocAUC(
        scores: [0.5, 0.5, 0.9, 0.5, 0.2], positives: [false, true, true, false, false]),
      5.0 / 6, accuracy: 1e-15)
    // All tied: ½.
    XCTAssertEqual(try ClassificationMetrics.rocAUC(scores: [1, 1, 1], positives: [true, false, true]), 0.5)
    XCTAssertThrowsError(try ClassificationMetrics.rocAUC(scores: [1, 2], positives: [true, true]))
    XCTAssertThrowsError(try ClassificationMetrics.rocAUC(scores: [.nan, 2], positives: [true, false]))
  }

  func testPerplexity() throws {
    // A uniform guess over 2,560 characters has cross-entropy ln 2560 and perplexity 2560.
    XCTAssertEqual(try Perplexity.fromMeanCrossEntropy(log(2560)), 2560, accuracy: 1e-9)
    XCTAssertEqual(try Perplexity.fromTotalCrossEntropy(6 * log(3), tokenCount: 6), 3, accuracy: 1e-12)
    XCTAssertThrowsError(try Perplexity.fromMeanCrossEntropy(.infinity))
  }

  func testBLEUOnAHandWorkedCorpus() throws {
    // Candidate 1 "the cat sat on the mat" vs "the cat is on the mat":
    //   1-grams 6, clipped matches the×2, cat, on, mat = 5; 2-grams 5: the cat, on the, the mat = 3;
    //   3-grams 4: on the mat = 1; 4-grams 3: 0.
    // Candidate 2 "a dog" vs "a dog runs": 1-grams 2/2, 2-grams 1/1, 3- and 4-grams none.
    // Corpus: p = 7/8, 4/6, 1/4, 0/3 → BLEU-4 = 0 (a zero precision); BLEU-3 with
    // c = 8, r = 9: BP = exp(1 − 9/8) = 0.882497; (7/8 · 2/3 · 1/4)^(1/3) = 0.526363;
    // BLEU-3 = 0.464514 (sacrebleu: 46.45139817118532; NLTK says 43.1 because it counts
    // "a dog"'s zero trigrams as one).
    let candidates = ["the cat sat on the mat", "a dog"].map { $0.split(separator: " ").map(String.init) }
    let references = ["the cat is on the mat", "a dog runs"].map { $0.split(separator: " ").map(String.init) }
    let four = try BLEU(candidates: candidates, references: references)
    XCTAssertEqual(four.matches, [7, 4, 1, 0])
    XCTAssertEqual(four.totals, [8, 6, 4, 3])
    XCTAssertEqual(four.score, 0)
    let three = try BLEU(candidates: candidates, references: references, maximumOrder: 3)
    XCTAssertEqual(three.brevityPenalty, exp(1 - 9.0 / 8), accuracy: 1e-15)
    XCTAssertEqual(three.score, exp(1 - 9.0 / 8) * pow(7.0 / 8 * 4 / 6 * 1 / 4, 1.0 / 3), accuracy: 1e-12)
    XCTAssertEqual(three.score, 0.4645139817118532, accuracy: 1e-12)
  }

  func testCharacterLevelBLEUForChinese() throws {
    // "打开文件" vs reference "打开 文件" (space ignored): every n-gram matches, c = r = 4.
    let perfect = try BLEU(
      candidates: [BLEU.characterTokens("打开文件")], references: [BLEU.characterTokens("打开 文件")])
    XCTAssertEqual(perfect.score, 1)
    // "保存文件夹" vs "保存文件": p = 4/5, 3/4, 2/3, 1/2, c = 5 > r = 4 so BP = 1;
    // BLEU = (4/5 · 3/4 · 2/3 · 1/2)^(1/4) = (1/5)^(1/4) = 0.668740.
    let longer = try BLEU(
      candidates: [BLEU.characterTokens("保存文件夹")], references: [BLEU.characterTokens("保存文件")])
    XCTAssertEqual(longer.score, pow(0.2, 0.25), accuracy: 1e-12)
    // Clipping: "的的的的" vs "的确是的": 的 appears twice in the reference, so 2/4 unigrams.
    let clipped = try BLEU(
      candidates: [BLEU.characterTokens("的的的的")], references: [BLEU.characterTokens("的确是的")], maximumOrder: 1)
    XCTAssertEqual(clipped.precisions, [0.5])
    // Several references: the closest length (3, not 6) is r, so BP = 1 for a 3-token candidate.
    let multiple = try BLEU(
      candidates: [["a", "b", "c"]], references: [[["a", "b", "c", "d", "e", "f"], ["a", "b", "x"]]],
      maximumOrder: 1)
    XCTAssertEqual(multiple.referenceLength, 3)
    XCTAssertEqual(multiple.score, 1)
    XCTAssertThrowsError(try BLEU(candidates: [["a"]], references: [[[String]]]([[]])))
  }
}
