import ConvNetAutograd
import ConvNetData
import ConvNetModels
import ConvNetTensor
import Foundation

extension Translator {
  /// The most probable translation found by beam search of `width` hypotheses, as target ids
  /// without `<eos>`.
  ///
  /// Each step extends every live hypothesis by every token; the candidates are ranked by their
  /// summed log-probability (ties: earlier hypothesis, then lower id). Of the best `width`
  /// candidates, those ending in `<eos>` are finished; the best `width` candidates that do not
  /// end there stay live (so the beam stays full). Search stops when the best finished score is
  /// at least the best live one (a log-probability only falls as a hypothesis grows, so no live
  /// hypothesis can overtake it) or after `maximumLength` tokens (live hypotheses then count as
  /// finished). With width 1 this is exactly greedy decoding: log-probabilities are computed in
  /// Double from the logits, so their order is the logits' order.
  public func beamSearch(_ source: [Int], width: Int, maximumLength: Int) -> [Int] {
    precondition(width >= 1, "beamSearch: width \(width), expected at least 1")
    model.eval()
    return withoutGradients {
      let encoded = model.encoder.encode(
        Variable(Tensor(shape: [1, source.count], scalars: source.map { Float($0) })), lengths: [source.count])
      var state = model.decoder.initialState(encoded)
      var live: [(tokens: [Int], score: Double)] = [([], 0)]
      var finished: [(tokens: [Int], score: Double)] = []
      var expanded = encoded
      for _ in 0..<maximumLength {
        if expanded.memory.shape[0] != live.count {
          expanded = encoded.selectingRows([Int](repeating: 0, count: live.count))
        }
        let previous = live.map { Float($0.tokens.last ?? Vocabulary.beginID) }
        state = model.decoder.step(
          tokens: Tensor(shape: [live.count], scalars: previous), state: state, encoded: expanded)
        let logits = model.decoder(state.attentional).value
        let v = logits.shape[1]
        let values = logits.scalars
        var candidates: [(hypothesis: Int, token: Int, score: Double)] = []
        candidates.reserveCapacity(live.count * v)
        for (i, hypothesis) in live.enumerated() {
          let row = values[(i * v)..<((i + 1) * v)].map { Double($0) }
          let top = row.max() ?? 0
          let logSum = top + log(row.reduce(0) { $0 + exp($1 - top) })
          for token in 0..<v { candidates.append((i, token, hypothesis.score + row[token] - logSum)) }
        }
        candidates.sort { a, b in
          a.score != b.score ? a.score > b.score : a.hypothesis != b.hypothesis ? a.hypothesis < b.hypothesis : a.token < b.token
        }
        var next: [(tokens: [Int], score: Double)] = []
        var origins: [Int] = []
        for (rank, candidate) in candidates.enumerated() {
          if candidate.token == Vocabulary.endID {
            if rank < width { finished.append((live[candidate.hypothesis].tokens, candidate.score)) }
            continue
          }
          next.append((live[candidate.hypothesis].tokens + [candidate.token], candidate.score))
          origins.append(candidate.hypothesis)
          if next.count == width { break }
        }
        live = next
        if live.isEmpty { break }
        state = state.selectingRows(origins)
        if let best = finished.map(\.score).max(), best >= (live.map(\.score).max() ?? -.infinity) { break }
      }
      finished += live
      // The first of the best: finished hypotheses in the order they were found.
      var best = finished[0]
      for hypothesis in finished.dropFirst() where hypothesis.score > best.score { best = hypothesis }
      return best.tokens
    }
  }
}
