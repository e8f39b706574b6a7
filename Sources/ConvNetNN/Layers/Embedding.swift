import ConvNetAutograd
import ConvNetTensor

/// A lookup table of `numEmbeddings` vectors of `embeddingDim` values (PyTorch's
/// `nn.Embedding`, key `weight` [V, E]): token ids [N, T] (Float values, as
/// `PaddedBatch.idTensor` gives them) → [N, T, E].
///
/// Initialised as PyTorch does: weight ~ N(0, 1) drawn from `RandomSource.current`, the row
/// `paddingIdx` (if any) set to zero. That row receives no gradient, so it stays as it is — the
/// padding positions of a batch embed to zeros. `forward` assumes valid ids (an id outside the
/// table traps); check ids that come from a user with `validate(ids:)` first.
public final class Embedding: Module, LayerPresentation {
  public let numEmbeddings: Int
  public let embeddingDim: Int
  /// The row that pads sequences (non-negative; a negative `paddingIdx` given to `init` counts
  /// from the end, as in PyTorch).
  public let paddingIdx: Int?
  public var weight: Variable

  public init(numEmbeddings: Int, embeddingDim: Int, paddingIdx: Int? = nil) {
    precondition(numEmbeddings > 0 && embeddingDim > 0, "Embedding: sizes must be positive")
    let padding = paddingIdx.map { $0 < 0 ? $0 + numEmbeddings : $0 }
    if let padding {
      precondition(padding >= 0 && padding < numEmbeddings, "Embedding: paddingIdx \(paddingIdx!) outside the table")
    }
    self.numEmbeddings = numEmbeddings
    self.embeddingDim = embeddingDim
    self.paddingIdx = padding
    let source = RandomSource.current
    var table = Tensor.randomNormal([numEmbeddings, embeddingDim], using: &source.generator)
    if let padding {
      table.withUnsafeMutableBufferPointer { values in
        for j in 0..<embeddingDim { values[padding * embeddingDim + j] = 0 }
      }
    }
    weight = Variable(table, requiresGrad: true)
  }

  public func forward(_ input: Variable) -> Variable {
    embedding(input, weight: weight, paddingIdx: paddingIdx)
  }

  /// Throws `TokenIdError` naming the first id that is not a whole number in
  /// 0..<numEmbeddings (and its position), so that callers can refuse a user's ids cleanly.
  public func validate(ids: Tensor) throws {
    try TokenIdError.check(ids, tableSize: numEmbeddings)
  }

  public var ownParameters: [(name: String, parameter: Variable)] { [("weight", weight)] }

  public var layerDescription: String {
    "Embedding(\(numEmbeddings), \(embeddingDim)\(paddingIdx.map { ", padding \($0)" } ?? ""))"
  }

  public var parameterFormula: String? {
    "\(numEmbeddings)·\(embeddingDim) = \(numEmbeddings * embeddingDim)"
  }
}

/// A token id that does not name a row of an embedding table.
public struct TokenIdError: Error, Equatable, CustomStringConvertible, Sendable {
  /// The offending value, as stored (ids travel as Float).
  public var id: Float
  /// Its row-major position among the ids.
  public var position: Int
  /// The table's number of rows: valid ids are 0..<tableSize.
  public var tableSize: Int

  public init(id: Float, position: Int, tableSize: Int) {
    self.id = id
    self.position = position
    self.tableSize = tableSize
  }

  public var description: String {
    let shown = id == id.rounded() && abs(id) < 1e9 ? String(Int(id)) : String(id)
    return "token id \(shown) at position \(position) is not in 0..<\(tableSize) (the embedding table's rows)"
  }

  /// Throws for the first id of `ids` outside 0..<tableSize or not a whole number.
  public static func check(_ ids: Tensor, tableSize: Int) throws {
    for (position, id) in ids.scalars.enumerated()
    where !(id >= 0 && id < Float(tableSize) && id == id.rounded()) {
      throw TokenIdError(id: id, position: position, tableSize: tableSize)
    }
  }
}
