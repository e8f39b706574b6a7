import ConvNetAutograd
import ConvNetTensor

/// What both attention layers share: the weights are the softmax of the scores [N, S] over the
/// positions the mask keeps, the context is the weighted sum of the keys.
///
/// `mask` [N, S] is 1 (non-zero) where a key is real and 0 in padding, as `PaddedBatch.mask`
/// gives it. Padded positions get a score of −∞ before the softmax, so their weight is exactly
/// 0 and they receive no gradient. A row with no real position at all gets weights 0 and a
/// zero context (PyTorch would give NaN).
func attentionReadout(scores: Variable, keys: Variable, mask: Tensor?) -> (context: Variable, weights: Variable) {
  let (n, s) = (keys.shape[0], keys.shape[1])
  precondition(scores.shape == [n, s], "attention: scores \(scores.shape) for keys \(keys.shape)")
  var weights: Variable
  if let mask {
    precondition(mask.shape == [n, s], "attention: mask \(mask.shape) does not match keys [N, S] = [\(n), \(s)]")
    let keep = mask.scalars
    var padding = keep.map { $0 == 0 ? Float(1) : 0 }
    let emptyRows = (0..<n).filter { row in (0..<s).allSatisfy { keep[row * s + $0] == 0 } }
    // An all-padding row is left unfilled (no −∞ row, no NaN) and zeroed after the softmax.
    for row in emptyRows { for t in 0..<s { padding[row * s + t] = 0 } }
    weights = softmax(maskedFill(scores, mask: Tensor(shape: [n, s], scalars: padding), value: -.infinity), axis: 1)
    if !emptyRows.isEmpty {
      weights = weights * Variable(Tensor(shape: [n, s], scalars: keep.map { $0 == 0 ? 0 : 1 }))
    }
  } else {
    weights = softmax(scores, axis: 1)
  }
  let context = bmm(weights.reshaped([n, 1, s]), keys).reshaped([n, keys.shape[2]])
  return (context, weights)
}

/// The keys' shapes checked against the query's: query [N, Hq], keys [N, S, Hk].
func checkAttentionShapes(_ name: String, query: Variable, keys: Variable, queryDim: Int, keyDim: Int) {
  precondition(
    query.shape.count == 2 && keys.shape.count == 3 && query.shape[0] == keys.shape[0]
      && query.shape[1] == queryDim && keys.shape[2] == keyDim,
    "\(name): query \(query.shape) and keys \(keys.shape) do not match [N, \(queryDim)] and [N, S, \(keyDim)]")
}
