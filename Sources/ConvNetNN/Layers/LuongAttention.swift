import ConvNetAutograd
import ConvNetTensor

/// Luong's multiplicative attention (Luong, Pham & Manning 2015, §3.1): a decoder state q [N, H]
/// scores each encoder output k_s of keys [N, S, H] by
///
/// - `.dot`: score = qᵀ·k_s (no parameters);
/// - `.general`: score = qᵀ·W·k_s, W [H, H] (key `weight`; PyTorch's `nn.Linear(H, H,
///   bias=False)` applied to the keys, initialised as that layer: U(−1/√H, 1/√H));
///
/// then weights = softmax over the real positions, context = Σ_s weight_s·k_s (see `attend`).
public final class LuongAttention: Module, LayerPresentation {
  public enum Score: String, Sendable, CaseIterable {
    case dot, general
  }

  public let hiddenSize: Int
  public let score: Score
  /// W of the general score; nil for the dot score.
  public var weight: Variable?

  public init(hiddenSize: Int, score: Score = .general) {
    precondition(hiddenSize > 0, "LuongAttention: hiddenSize must be positive")
    self.hiddenSize = hiddenSize
    self.score = score
    if score == .general {
      weight = WeightInitialization.pytorchDefault.make(
        weightShape: [hiddenSize, hiddenSize], biasShape: nil, fanIn: hiddenSize
      ).0
    }
  }

  /// Attends from `query` [N, H] over `keys` [N, S, H]; `mask` [N, S] is 1 at real positions
  /// and 0 at padding (weight exactly 0 there). Returns the context [N, H] and the weights [N, S].
  public func attend(query: Variable, keys: Variable, mask: Tensor? = nil) -> (context: Variable, weights: Variable) {
    checkAttentionShapes("LuongAttention", query: query, keys: keys, queryDim: hiddenSize, keyDim: hiddenSize)
    let (n, s) = (keys.shape[0], keys.shape[1])
    // qᵀ·W·k = (qᵀ·W)·k: transform the one query instead of the S keys.
    let transformed = weight.map { matmul(query, $0) } ?? query
    let scores = bmm(transformed.reshaped([n, 1, hiddenSize]), keys, transposeB: true).reshaped([n, s])
    return attentionReadout(scores: scores, keys: keys, mask: mask)
  }

  /// Not a one-input layer: call `attend(query:keys:mask:)`.
  public func forward(_ input: Variable) -> Variable {
    preconditionFailure("LuongAttention takes a query and keys: call attend(query:keys:mask:)")
  }

  public var ownParameters: [(name: String, parameter: Variable)] { weight.map { [("weight", $0)] } ?? [] }

  public var layerDescription: String { "LuongAttention(\(hiddenSize), score \(score.rawValue))" }

  public var parameterFormula: String? {
    score == .general ? "\(hiddenSize)·\(hiddenSize) = \(hiddenSize * hiddenSize)" : nil
  }
}
