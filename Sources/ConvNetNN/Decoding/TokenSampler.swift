import ConvNetTensor
import Foundation

/// Picks the next token from a model's logits: greedily, or by drawing from the softmax after
/// temperature, top-k and top-p (nucleus) filtering — in that order, as Hugging Face's
/// `generate` applies its warpers.
///
/// - **temperature** T: the logits are divided by T before the softmax (T < 1 sharpens, T > 1
///   flattens). T = 0 means greedy.
/// - **top-k**: only tokens whose logit is at least the k-th largest stay (so a tie at the
///   k-th place keeps every tied token, as `TopKLogitsWarper` does).
/// - **top-p**: of the tokens left, sorted by probability (descending; equal probabilities by
///   lower token id first), the smallest prefix whose cumulative probability reaches p stays —
///   always at least one token.
/// - **greedy** returns the largest logit, the lowest id among equals (as `argmax`).
///
/// The kept tokens' probabilities are renormalised (`distribution(logits:)` returns them) and
/// one is drawn with a uniform number from the caller's `SeededGenerator`, so a seed fixes the
/// whole generated text. Logits of −∞ (masked tokens) never get drawn.
public struct TokenSampler: Sendable, Equatable {
  public let temperature: Float
  public let topK: Int?
  public let topP: Float?

  /// The greedy sampler.
  public static let greedy = TokenSampler(validTemperature: 0, topK: nil, topP: nil)

  /// Throws `SettingError` for a temperature that is negative or not finite, a top-k below 1,
  /// or a top-p outside (0, 1].
  public init(temperature: Float = 1, topK: Int? = nil, topP: Float? = nil) throws {
    guard temperature.isFinite, temperature >= 0 else {
      throw SettingError(setting: "temperature", name: "temperature", detail: "must be a finite number ≥ 0, got \(temperature)")
    }
    if let topK, topK < 1 {
      throw SettingError(setting: "topK", name: "top-k", detail: "must be ≥ 1, got \(topK)")
    }
    if let topP, !(topP > 0 && topP <= 1) {
      throw SettingError(setting: "topP", name: "top-p", detail: "must be in (0, 1], got \(topP)")
    }
    self.init(validTemperature: temperature, topK: topK, topP: topP)
  }

  private init(validTemperature: Float, topK: Int?, topP: Float?) {
    temperature = validTemperature
    self.topK = topK
    self.topP = topP
  }

  public var isGreedy: Bool { temperature == 0 }

  /// One token id for one row of logits.
  public func sample(logits: [Float], using generator: inout SeededGenerator) -> Int {
    precondition(!logits.isEmpty, "TokenSampler: no logits")
    if isGreedy { return Self.argmax(logits) }
    let probabilities = distribution(logits: logits)
    // The first token whose cumulative probability exceeds u; the last kept one if rounding
    // leaves u beyond the total.
    let u = Double(generator.nextUnitFloat())
    var cumulative = 0.0
    var last = 0
    for (token, p) in probabilities.enumerated() where p > 0 {
      cumulative += Double(p)
      last = token
      if u < cumulative { return token }
    }
    return last
  }

  /// One token id per row of logits [N, V] (or one for logits [V]), drawn in row order.
  public func sample(logits: Tensor, using generator: inout SeededGenerator) -> [Int] {
    precondition(logits.rank == 1 || logits.rank == 2, "TokenSampler: logits must be [V] or [N, V], got \(logits.shape)")
    let width = logits.shape.last!
    let values = logits.scalars
    return stride(from: 0, to: values.count, by: max(1, width)).map {
      sample(logits: Array(values[$0..<$0 + width]), using: &generator)
    }
  }

  /// The probabilities the sampler draws from: the softmax of logits / T over the tokens that
  /// top-k and top-p keep, renormalised; zero elsewhere. Greedy: 1 at the argmax.
  public func distribution(logits: [Float]) -> [Float] {
    if isGreedy {
      var one = [Float](repeating: 0, count: logits.count)
      one[Self.argmax(logits)] = 1
      return one
    }
    var kept = [Bool](repeating: true, count: logits.count)
    if let topK, topK < logits.count {
      let threshold = logits.sorted(by: >)[topK - 1]
      for i in logits.indices where !(logits[i] >= threshold) { kept[i] = false }
    }
    // Softmax over the kept tokens, in Double, shifted by the largest kept logit.
    let scaled = logits.map { Double($0) / Double(temperature) }
    let largest = scaled.indices.filter { kept[$0] }.map { scaled[$0] }.max() ?? 0
    var weights = scaled.indices.map { kept[$0] ? Foundation.exp(scaled[$0] - largest) : 0 }
    var total = weights.reduce(0, +)
    if let topP, topP < 1, total > 0 {
      let order = weights.indices.sorted { weights[$0] != weights[$1] ? weights[$0] > weights[$1] : $0 < $1 }
      var cumulative = 0.0
      var keep = Set<Int>()
      for token in order {
        keep.insert(token)
        cumulative += weights[token] / total
        if cumulative >= Double(topP) { break }
      }
      for i in weights.indices where !keep.contains(i) { weights[i] = 0 }
      total = weights.reduce(0, +)
    }
    guard total > 0 else {
      // Every kept logit is −∞ or NaN: fall back to the argmax so that a draw is still defined.
      var one = [Float](repeating: 0, count: logits.count)
      one[Self.argmax(logits)] = 1
      return one
    }
    return weights.map { Float($0 / total) }
  }

  /// The index of the largest value, the lowest on ties (NaN never wins).
  static func argmax(_ values: [Float]) -> Int {
    var best = 0
    for i in values.indices.dropFirst() where values[i] > values[best] || values[best].isNaN { best = i }
    return best
  }
}
