import ConvNetAutograd
import ConvNetTensor

/// An embedding table whose lookups are pooled per sequence (PyTorch's `nn.EmbeddingBag` with
/// one bag per row, key `weight` [V, E]): a padded batch of ids [N, T] → [N, E], the sum or the
/// mean of each row's embeddings over its valid positions — the first `lengths[n]`, or where
/// `mask` is non-zero — leaving out `paddingIdx` entries as PyTorch does (an empty bag gives
/// zeros). `forward` pools every position except padding ids. Initialised as `Embedding`.
public final class EmbeddingBag: Module, LayerPresentation {
  public let numEmbeddings: Int
  public let embeddingDim: Int
  public let mode: EmbeddingBagMode
  public let paddingIdx: Int?
  public var weight: Variable

  public init(numEmbeddings: Int, embeddingDim: Int, mode: EmbeddingBagMode = .mean, paddingIdx: Int? = nil) {
    let table = Embedding(numEmbeddings: numEmbeddings, embeddingDim: embeddingDim, paddingIdx: paddingIdx)
    self.numEmbeddings = numEmbeddings
    self.embeddingDim = embeddingDim
    self.mode = mode
    self.paddingIdx = table.paddingIdx
    weight = table.weight
  }

  public func forward(_ input: Variable) -> Variable {
    bag(ids: input, included: [Bool](repeating: true, count: input.value.count))
  }

  /// Pools row n over its first `lengths[n]` positions (each length in 0...T).
  public func bag(ids: Variable, lengths: [Int]) -> Variable {
    precondition(ids.shape.count == 2 && lengths.count == ids.shape[0], "EmbeddingBag: \(lengths.count) lengths for ids \(ids.shape)")
    let steps = ids.shape[1]
    precondition(lengths.allSatisfy { $0 >= 0 && $0 <= steps }, "EmbeddingBag: lengths \(lengths) outside 0...\(steps)")
    return bag(ids: ids, included: lengths.flatMap { length in (0..<steps).map { $0 < length } })
  }

  /// Pools row n over the positions t where `mask[n, t]` is non-zero (mask [N, T]).
  public func bag(ids: Variable, mask: Tensor) -> Variable {
    precondition(mask.shape == ids.shape, "EmbeddingBag: mask \(mask.shape) does not match ids \(ids.shape)")
    return bag(ids: ids, included: mask.scalars.map { $0 != 0 })
  }

  private func bag(ids: Variable, included: [Bool]) -> Variable {
    embeddingBag(ids, weight: weight, included: included, mode: mode, paddingIdx: paddingIdx)
  }

  /// Throws `TokenIdError` for the first id outside 0..<numEmbeddings.
  public func validate(ids: Tensor) throws {
    try TokenIdError.check(ids, tableSize: numEmbeddings)
  }

  public var ownParameters: [(name: String, parameter: Variable)] { [("weight", weight)] }

  public var layerDescription: String {
    "EmbeddingBag(\(numEmbeddings), \(embeddingDim), mode \(mode.rawValue)\(paddingIdx.map { ", padding \($0)" } ?? ""))"
  }

  public var parameterFormula: String? {
    "\(numEmbeddings)·\(embeddingDim) = \(numEmbeddings * embeddingDim)"
  }
}
