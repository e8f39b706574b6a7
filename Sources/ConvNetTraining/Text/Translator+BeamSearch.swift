import ConvNetAutograd
import ConvNetData
import ConvNetModels
import ConvNetNN
import ConvNetTensor
import Foundation

extension Translator {
  /// The best translation found by beam search (`BeamSearch`, `width` beams, at most
  /// `maximumLength` tokens), as target ids without `<eos>`.
  ///
  /// The decoder's state (GRU state and attentional vector) is the search's state; beams are
  /// reordered by gathering its rows, and the encoder's memory is repeated once per live beam.
  /// With width 1 and no length penalty this is greedy decoding (the test checks it).
  /// - Throws: `SettingError` for a width or maximum length below 1.
  public func beamSearch(
    _ source: [Int], width: Int, maximumLength: Int, lengthPenalty: LengthPenalty = .none
  ) throws -> [Int] {
    let search = try BeamSearch(
      width: width, maxLength: maximumLength, endToken: Vocabulary.endID, lengthPenalty: lengthPenalty)
    model.eval()
    return withoutGradients {
      let encoded = model.encoder.encode(
        Variable(Tensor(shape: [1, source.count], scalars: source.map { Float($0) })), lengths: [source.count])
      var repeated = encoded
      let hypotheses = search.search(
        start: [Vocabulary.beginID], initialState: model.decoder.initialState(encoded),
        step: { beams, state in
          if repeated.memory.shape[0] != beams.count {
            repeated = encoded.selectingRows([Int](repeating: 0, count: beams.count))
          }
          let tokens = Tensor(shape: [beams.count], scalars: beams.map { Float($0.last ?? Vocabulary.beginID) })
          let next = model.decoder.step(tokens: tokens, state: state, encoded: repeated)
          return (logSoftmax(model.decoder(next.attentional), axis: 1).value, next)
        },
        reorder: { state, parents in state.selectingRows(parents) })
      return hypotheses.first?.tokens ?? []
    }
  }
}
