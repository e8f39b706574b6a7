import ConvNetAutograd
import ConvNetTensor

/// Bahdanau's additive attention (Bahdanau, Cho & Bengio 2015), in the form of PyTorch's
/// seq2seq tutorial: score(q, k_s) = Va(tanh(Wa(q) + Ua(k_s))) with Wa = Linear(queryDim,
/// hiddenDim), Ua = Linear(keyDim, hiddenDim), Va = Linear(hiddenDim, 1) — keys `Wa.weight`,
/// `Wa.bias`, `Ua.weight`, `Ua.bias`, `Va.weight`, `Va.bias` as in the tutorial's module
/// (Va's bias shifts every score equally, so it never changes the weights: its gradient is 0).
/// Weights = softmax over the real positions, context = Σ_s weight_s·k_s (see `attend`).
public final class BahdanauAttention: Module, LayerPresentation {
  public let queryDim: Int
  public let keyDim: Int
  public let hiddenDim: Int
  public let queryProjection: Linear
  public let keyProjection: Linear
  public let energy: Linear

  public init(queryDim: Int, keyDim: Int, hiddenDim: Int) {
    precondition(queryDim > 0 && keyDim > 0 && hiddenDim > 0, "BahdanauAttention: sizes must be positive")
    self.queryDim = queryDim
    self.keyDim = keyDim
    self.hiddenDim = hiddenDim
    queryProjection = Linear(queryDim, hiddenDim)
    keyProjection = Linear(keyDim, hiddenDim)
    energy = Linear(hiddenDim, 1)
  }

  /// Ua(keys) [N, S, hiddenDim]: the part of the score that depends on the keys only. A decoder
  /// attends over the same keys at every step, so it can compute this once per sequence and
  /// pass it to `attend(query:keys:mask:projectedKeys:)`.
  public func projectKeys(_ keys: Variable) -> Variable {
    let (n, s) = (keys.shape[0], keys.shape[1])
    return keyProjection(keys.reshaped([n * s, keyDim])).reshaped([n, s, hiddenDim])
  }

  /// Attends from `query` [N, queryDim] over `keys` [N, S, keyDim]; `mask` [N, S] is 1 at real
  /// positions and 0 at padding (weight exactly 0 there). Returns the context [N, keyDim] and the
  /// weights [N, S].
  public func attend(
    query: Variable, keys: Variable, mask: Tensor? = nil, projectedKeys: Variable? = nil
  ) -> (context: Variable, weights: Variable) {
    checkAttentionShapes("BahdanauAttention", query: query, keys: keys, queryDim: queryDim, keyDim: keyDim)
    let (n, s) = (keys.shape[0], keys.shape[1])
    let projected = projectedKeys ?? projectKeys(keys)
    precondition(projected.shape == [n, s, hiddenDim], "BahdanauAttention: projected keys \(projected.shape) ≠ [\(n), \(s), \(hiddenDim)]")
    let hidden = tanh(queryProjection(query).reshaped([n, 1, hiddenDim]) + projected)
    let scores = energy(hidden.reshaped([n * s, hiddenDim])).reshaped([n, s])
    return attentionReadout(scores: scores, keys: keys, mask: mask)
  }

  /// Not a one-input layer: call `attend(query:keys:mask:)`.
  public func forward(_ input: Variable) -> Variable {
    preconditionFailure("BahdanauAttention takes a query and keys: call attend(query:keys:mask:)")
  }

  public var children: [(name: String, module: any Module)] {
    [("Wa", queryProjection), ("Ua", keyProjection), ("Va", energy)]
  }

  public var layerDescription: String { "BahdanauAttention(query \(queryDim), keys \(keyDim), hidden \(hiddenDim))" }

  public var parameterFormula: String? {
    let count = (queryDim + 1) * hiddenDim + (keyDim + 1) * hiddenDim + hiddenDim + 1
    return "(\(queryDim)+1)·\(hiddenDim) + (\(keyDim)+1)·\(hiddenDim) + (\(hiddenDim)+1)·1 = \(count)"
  }
}
