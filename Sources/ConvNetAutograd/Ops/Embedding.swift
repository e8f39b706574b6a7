import ConvNetKernels
import ConvNetTensor

/// Looks up rows of `weight` [V, E] by token id: ids of any shape [*] (ids travel as Float
/// values, exact below 2²⁴) → [*, E] (PyTorch's `F.embedding`). The ids get no gradient; the
/// weight's gradient is the scatter-add of the output gradient into the rows looked up
/// (`gatherRowsBackward`), and the row `paddingIdx`, if given, receives none — as PyTorch's
/// `padding_idx`, so that row keeps whatever it holds (zero, as `Embedding` initialises it).
///
/// Every id must be a whole number in 0..<V: callers check ids that come from a user
/// (`Embedding.validate(ids:)`, the vocabulary); here an id out of range traps.
public func embedding(_ ids: Variable, weight: Variable, paddingIdx: Int? = nil) -> Variable {
  let table = weight.value
  precondition(table.rank == 2, "embedding: weight must be [V, E], got \(table.shape)")
  let (rows, dimension) = (table.shape[0], table.shape[1])
  let indices = rowIndices(ids.value, rows: rows)
  let layout = GatherRowsLayout(sourceRows: rows, rowLength: dimension)
  var output = Tensor(uninitializedShape: ids.shape + [dimension])
  gatherRows(source: table.readOnlyElements, indices: indices, output: output.uniqueElements(), layout: layout)
  return Variable.makeOutput(output, name: "embedding", inputs: [weight]) { gradient in
    var weightGradient = Tensor(uninitializedShape: [rows, dimension])
    gatherRowsBackward(
      gradOutput: gradient.readOnlyElements, indices: indices, skipping: paddingIdx,
      gradSource: weightGradient.uniqueElements(), layout: layout)
    return [weightGradient]
  }
}

/// How `embeddingBag` pools the embeddings of a bag.
public enum EmbeddingBagMode: String, Sendable, CaseIterable {
  /// The sum of the bag's embeddings.
  case sum
  /// Their mean; an empty bag gives zeros (as PyTorch).
  case mean
}

/// Pools the embeddings of each row of a padded batch of ids [N, T] into one vector → [N, E]
/// (PyTorch's `EmbeddingBag` / `F.embedding_bag` with one bag per row). Position t of row n
/// belongs to the bag when `included[n·T + t]` is true and its id is not `paddingIdx` (PyTorch
/// leaves padding entries out of the bag, also out of the mean's count). The weight's gradient
/// is that of the embedding lookup weighted by each position's share (1, or 1/count for the mean).
public func embeddingBag(
  _ ids: Variable, weight: Variable, included: [Bool], mode: EmbeddingBagMode, paddingIdx: Int? = nil
) -> Variable {
  precondition(ids.shape.count == 2, "embeddingBag: ids must be [N, T], got \(ids.shape)")
  let (batch, steps) = (ids.shape[0], ids.shape[1])
  precondition(included.count == batch * steps, "embeddingBag: \(included.count) flags for ids \(ids.shape)")
  let values = ids.value.readOnlyElements
  var shares = [Float](repeating: 0, count: batch * steps)
  for n in 0..<batch {
    let members = (0..<steps).filter { t in
      included[n * steps + t] && (paddingIdx == nil || Int(values[n * steps + t]) != paddingIdx)
    }
    let share: Float = mode == .mean ? 1 / Float(max(1, members.count)) : 1
    for t in members { shares[n * steps + t] = share }
  }
  let embedded = embedding(ids, weight: weight, paddingIdx: paddingIdx)
  let weighted = embedded * Variable(Tensor(shape: [batch, steps, 1], scalars: shares))
  return sum(weighted, axes: [1])
}

/// The ids as row numbers; each must be a whole number in 0..<rows.
private func rowIndices(_ ids: Tensor, rows: Int) -> [Int] {
  let values = ids.readOnlyElements
  return (0..<ids.count).map { i in
    let value = values[i]
    precondition(
      value >= 0 && value < Float(rows) && value == value.rounded(),
      "embedding: id \(value) at position \(i) is not a row of a \(rows)-row table")
    return Int(value)
  }
}
