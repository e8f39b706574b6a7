import ConvNetTensor
import Foundation

/// How a finished hypothesis's log-probability is scaled by its length |Y| (the tokens it
/// generated, its end token included) before hypotheses of different lengths are compared.
/// Without a penalty beam search prefers short outputs, since every token lowers log P.
public enum LengthPenalty: Sendable, Equatable {
  /// score = log P.
  case none
  /// GNMT (Wu et al. 2016): score = log P / ((5 + |Y|) / 6)^α; α = 0 is no penalty, α ≈ 0.6 usual.
  case gnmt(alpha: Float)
  /// Length normalisation (Hugging Face's `length_penalty`): score = log P / |Y|^α; α = 1 is
  /// the mean log-probability per token.
  case lengthNormalized(alpha: Float)

  /// The score of a hypothesis of `length` tokens with log-probability `logProbability`.
  public func score(logProbability: Float, length: Int) -> Float {
    let n = Double(max(1, length))
    switch self {
    case .none: return logProbability
    case .gnmt(let alpha): return Float(Double(logProbability) / Foundation.pow((5 + n) / 6, Double(alpha)))
    case .lengthNormalized(let alpha): return Float(Double(logProbability) / Foundation.pow(n, Double(alpha)))
    }
  }
}

/// One output of `BeamSearch`: the tokens generated after the start tokens (the end token not
/// included), their total log-probability and the length-penalised score it was ranked by.
public struct BeamHypothesis: Sendable, Equatable {
  public var tokens: [Int]
  public var logProbability: Float
  public var score: Float
  /// True when the hypothesis ended with the end token; false when it reached `maxLength`.
  public var isFinished: Bool
}

/// Beam search over a decoder given as closures, so it serves any model (a recurrent LM, a
/// seq2seq decoder with attention) whatever its state is.
///
/// Each step hands the live beams' token sequences (start tokens included) and the decoder's
/// state to `step`, which returns log-probabilities [beams, V] and the state after that step.
/// The 2·width best continuations over all beams (by total log-probability; equal ones by
/// lower beam, then lower token id) are taken in order: one ending in `endToken` becomes a
/// finished hypothesis if it ranks among the first `width` (as Hugging Face's
/// `BeamSearchScorer`), the others fill the next `width` live beams; `reorder` then receives
/// the state and, for each new beam, the index of the beam it extends, and returns the state
/// for the new beams (the caller gathers its hidden rows with them).
///
/// The search stops when `width` hypotheses have finished (early stopping), when no beam is
/// left, or after `maxLength` generated tokens; beams still live then are returned as
/// unfinished. Hypotheses come back best first by `lengthPenalty`'s score.
public struct BeamSearch: Sendable, Equatable {
  public let width: Int
  public let maxLength: Int
  public let endToken: Int
  public let lengthPenalty: LengthPenalty

  /// Throws `SettingError` for a width or maximum length below 1.
  public init(width: Int, maxLength: Int, endToken: Int, lengthPenalty: LengthPenalty = .none) throws {
    guard width >= 1 else { throw SettingError(setting: "beamWidth", name: "beam width", detail: "must be ≥ 1, got \(width)") }
    guard maxLength >= 1 else {
      throw SettingError(setting: "maxLength", name: "maximum length", detail: "must be ≥ 1, got \(maxLength)")
    }
    self.width = width
    self.maxLength = maxLength
    self.endToken = endToken
    self.lengthPenalty = lengthPenalty
  }

  /// Runs the search from one beam holding `start` (e.g. the start-of-sequence token) with the
  /// decoder state `initialState` (for that one beam).
  public func search<State>(
    start: [Int], initialState: State,
    step: (_ beams: [[Int]], _ state: State) -> (logProbabilities: Tensor, state: State),
    reorder: (_ state: State, _ parents: [Int]) -> State
  ) -> [BeamHypothesis] {
    var beams: [(tokens: [Int], logProbability: Float)] = [(start, 0)]
    var state = initialState
    var finished: [BeamHypothesis] = []
    for length in 1...maxLength {
      let (logProbabilities, nextState) = step(beams.map(\.tokens), state)
      let vocabulary = logProbabilities.shape.last ?? 0
      precondition(
        logProbabilities.shape == [beams.count, vocabulary],
        "BeamSearch: step returned \(logProbabilities.shape) for \(beams.count) beams (expects [beams, V])")
      let values = logProbabilities.readOnlyElements
      var candidates: [(beam: Int, token: Int, total: Float)] = []
      candidates.reserveCapacity(beams.count * vocabulary)
      for (b, beam) in beams.enumerated() {
        for v in 0..<vocabulary where !values[b * vocabulary + v].isNaN {
          candidates.append((b, v, beam.logProbability + values[b * vocabulary + v]))
        }
      }
      candidates.sort { $0.total != $1.total ? $0.total > $1.total : ($0.beam, $0.token) < ($1.beam, $1.token) }
      var next: [(tokens: [Int], logProbability: Float)] = []
      var parents: [Int] = []
      for (rank, candidate) in candidates.prefix(2 * width).enumerated() where candidate.total > -.infinity {
        let tokens = beams[candidate.beam].tokens
        if candidate.token == endToken {
          if rank < width {
            finished.append(hypothesis(Array(tokens.dropFirst(start.count)), candidate.total, length: length, isFinished: true))
          }
        } else if next.count < width {
          next.append((tokens + [candidate.token], candidate.total))
          parents.append(candidate.beam)
        }
      }
      beams = next
      if finished.count >= width || beams.isEmpty { break }
      state = reorder(nextState, parents)
      if length == maxLength {
        finished += beams.map {
          hypothesis(Array($0.tokens.dropFirst(start.count)), $0.logProbability, length: length, isFinished: false)
        }
      }
    }
    return finished.enumerated().sorted {
      $0.element.score != $1.element.score ? $0.element.score > $1.element.score : $0.offset < $1.offset
    }.map(\.element)
  }

  private func hypothesis(_ tokens: [Int], _ logProbability: Float, length: Int, isFinished: Bool) -> BeamHypothesis {
    BeamHypothesis(
      tokens: tokens, logProbability: logProbability,
      score: lengthPenalty.score(logProbability: logProbability, length: length), isFinished: isFinished)
  }
}
