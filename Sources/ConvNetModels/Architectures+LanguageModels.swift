import ConvNetNN

/// The catalogue entries `lstm-lm`, `gru-lm`, `rnn-lm`.
///
/// They are not `Architecture`s: those describe image networks (a [C, H, W] input, a minimum
/// image size, a classifier whose rows are classes). A language model takes token ids and its
/// every size comes from its weights, so its entry is a `LanguageModel.Cell` and its sizes a
/// `LanguageModel.Configuration` read from the weight file's shapes.
extension LanguageModel.Configuration {
  /// Reads V, E, H and L from the shapes of a state dict (name → shape), checking that they
  /// fit together: `embedding.weight` [V, E]; `rnn.weight_ih_l0` [g·H, E] and
  /// `rnn.weight_hh_lk` [g·H, H] with g the cell's gate count (4 LSTM, 3 GRU, 1 RNN); L = the
  /// number of layers k = 0, 1, … with a `rnn.weight_ih_lk`; `head.weight` [V, H].
  /// - Parameter source: names the weights in errors (a file path).
  /// - Throws: `StateDictError` naming `source`, the tensor and the shape expected — for a
  ///   GRU's weights read as `lstm-lm`, the message says which cell they look like.
  public init(cell: LanguageModel.Cell, weightShapes shapes: [String: [Int]], source: String) throws {
    func shape(_ key: String, rank: Int, _ expected: String) throws -> [Int] {
      guard let found = shapes[key] else {
        throw StateDictError(
          "\(source): no tensor \"\(key)\" — are these \(cell.architectureName) weights "
            + "(embedding, rnn, head)?")
      }
      guard found.count == rank, found.allSatisfy({ $0 >= 1 }) else {
        throw StateDictError("\(source): tensor \"\(key)\" has shape \(found), expected \(expected)")
      }
      return found
    }
    let table = try shape("embedding.weight", rank: 2, "[V, E]")
    let (v, e) = (table[0], table[1])
    let recurrent = try shape("rnn.weight_hh_l0", rank: 2, "[\(cell.gateCount)·H, H]")
    let h = recurrent[1]
    guard recurrent[0] == cell.gateCount * h else {
      let ratio = recurrent[0] % h == 0 ? recurrent[0] / h : 0
      let likely = LanguageModel.Cell.allCases.first { $0.gateCount == ratio }
      throw StateDictError(
        "\(source): tensor \"rnn.weight_hh_l0\" has shape \(recurrent), expected [\(cell.gateCount)·H, H] "
          + "for \(cell.layerName)"
          + (likely.map { " — these look like \($0.architectureName) weights" } ?? ""))
    }
    _ = try shape("rnn.weight_ih_l0", rank: 2, "[\(cell.gateCount)·H, E]")  // at least one layer
    var layers = 0
    while shapes["rnn.weight_ih_l\(layers)"] != nil {
      let width = layers == 0 ? e : h
      let input = try shape("rnn.weight_ih_l\(layers)", rank: 2, "[\(cell.gateCount * h), \(width)]")
      guard input == [cell.gateCount * h, width] else {
        throw StateDictError(
          "\(source): tensor \"rnn.weight_ih_l\(layers)\" has shape \(input), expected "
            + "[\(cell.gateCount * h), \(width)] (\(cell.gateCount)·H, \(layers == 0 ? "E" : "H"))")
      }
      layers += 1
    }
    let output = try shape("head.weight", rank: 2, "[V, H] = [\(v), \(h)]")
    guard output == [v, h] else {
      throw StateDictError(
        "\(source): tensor \"head.weight\" has shape \(output), expected [V, H] = [\(v), \(h)] "
          + "(V from embedding.weight, H from rnn.weight_hh_l0)")
    }
    self.init(cell: cell, vocabularySize: v, embeddingSize: e, hiddenSize: h, layers: layers)
  }
}
