import Foundation

/// Corpus-level BLEU (Papineni et al. 2002), as `sacrebleu`/NLTK's `corpus_bleu` compute it
/// without smoothing: n-gram matches clipped by the reference's counts and summed over the
/// whole corpus before dividing, geometric mean of the 1…N-gram precisions with equal weights,
/// times the brevity penalty exp(1 − r/c) when the candidates (c tokens in all) are shorter
/// than the references (r: for each sentence the reference length closest to its candidate's,
/// the shorter one on a tie). Any precision of zero makes the score 0.
public struct BLEU: Equatable, Sendable {
  /// The score in [0, 1] (multiply by 100 for the usual scale).
  public let score: Double
  /// p₁ … p_N: clipped matches / candidate n-grams.
  public let precisions: [Double]
  /// Clipped n-gram matches of each order.
  public let matches: [Int]
  /// Candidate n-grams of each order.
  public let totals: [Int]
  public let brevityPenalty: Double
  /// c: candidate tokens in all.
  public let candidateLength: Int
  /// r: the effective reference length.
  public let referenceLength: Int

  /// - Parameters:
  ///   - candidates: each translation's tokens.
  ///   - references: for each candidate, one or more reference translations' tokens.
  ///   - maximumOrder: N (4 for BLEU-4).
  /// - Throws: `MetricError` when the counts differ or are zero, a candidate has no reference,
  ///   or N < 1.
  public init(candidates: [[String]], references: [[[String]]], maximumOrder: Int = 4) throws {
    try MetricError.checkCounts("BLEU", candidates.count, "candidates", references.count, "reference sets")
    guard maximumOrder >= 1 else {
      throw MetricError(metric: "BLEU", problem: "maximum n-gram order \(maximumOrder), expected at least 1")
    }
    if let empty = references.firstIndex(where: \.isEmpty) {
      throw MetricError(metric: "BLEU", problem: "candidate \(empty) has no reference, expected at least one")
    }
    var matches = [Int](repeating: 0, count: maximumOrder)
    var totals = [Int](repeating: 0, count: maximumOrder)
    var c = 0
    var r = 0
    for (candidate, referenceSet) in zip(candidates, references) {
      c += candidate.count
      r += referenceSet.map(\.count).min { a, b in
        let (da, db) = (abs(a - candidate.count), abs(b - candidate.count))
        return da != db ? da < db : a < b
      }!
      for n in 1...maximumOrder {
        let candidateCounts = Self.ngramCounts(candidate, n)
        var maximumReferenceCounts: [ArraySlice<String>: Int] = [:]
        for reference in referenceSet {
          for (gram, count) in Self.ngramCounts(reference, n) {
            maximumReferenceCounts[gram] = max(maximumReferenceCounts[gram] ?? 0, count)
          }
        }
        for (gram, count) in candidateCounts {
          matches[n - 1] += min(count, maximumReferenceCounts[gram] ?? 0)
        }
        totals[n - 1] += max(0, candidate.count - n + 1)
      }
    }
    let precisions = zip(matches, totals).map { $1 > 0 ? Double($0) / Double($1) : 0 }
    let penalty = c == 0 ? 0 : (c > r ? 1 : exp(1 - Double(r) / Double(c)))
    let logMean = precisions.reduce(0) { $0 + ($1 > 0 ? log($1) : -.infinity) } / Double(maximumOrder)
    self.score = precisions.contains(0) ? 0 : penalty * exp(logMean)
    self.precisions = precisions
    self.matches = matches
    self.totals = totals
    self.brevityPenalty = penalty
    self.candidateLength = c
    self.referenceLength = r
  }

  /// One reference per candidate.
  public init(candidates: [[String]], references: [[String]], maximumOrder: Int = 4) throws {
    try self.init(candidates: candidates, references: references.map { [$0] }, maximumOrder: maximumOrder)
  }

  /// Character-level tokens for Chinese (and other unspaced scripts): every Unicode scalar
  /// but white space is a token, as in sacrebleu's `zh` tokenisation of CJK text.
  public static func characterTokens(_ text: String) -> [String] {
    text.unicodeScalars.filter { !$0.properties.isWhitespace }.map { String($0) }
  }

  static func ngramCounts(_ tokens: [String], _ n: Int) -> [ArraySlice<String>: Int] {
    var counts: [ArraySlice<String>: Int] = [:]
    guard tokens.count >= n else { return counts }
    for start in 0...(tokens.count - n) { counts[tokens[start..<(start + n)], default: 0] += 1 }
    return counts
  }
}
