import ConvNetAutograd
import ConvNetNN
import ConvNetTensor

/// A bidirectional LSTM over the token embeddings; the forward direction's final state (after
/// the text's last token) and the backward direction's final state (after reading back to its
/// first token) are concatenated, dropout, one linear layer. Each row runs to its own length
/// (PyTorch's packed sequences), so padding never enters the states.
///
/// PyTorch definition (keys `embedding.weight`, `lstm.weight_ih_l0`, `lstm.weight_hh_l0`,
/// `lstm.bias_ih_l0`, `lstm.bias_hh_l0`, the same with `_reverse`, `fc.weight`, `fc.bias`):
/// ```python
/// self.embedding = nn.Embedding(V, E, padding_idx=0)
/// self.lstm = nn.LSTM(E, H, batch_first=True, bidirectional=True)
/// self.dropout = nn.Dropout(0.5); self.fc = nn.Linear(2 * H, K)
/// packed = pack_padded_sequence(self.embedding(ids), lengths, batch_first=True, enforce_sorted=False)
/// _, (h, _) = self.lstm(packed)                                # h: [2, N, H]
/// logits = self.fc(self.dropout(torch.cat([h[0], h[1]], 1)))
/// ```
public final class BiLSTMClassifier: TextClassifierModel {
  public let textClassifierDescription: TextClassifierDescription
  public let embedding: Embedding
  public let lstm: LSTM
  public let dropout: Dropout
  public let fc: Linear

  public init(_ description: TextClassifierDescription) {
    textClassifierDescription = description
    embedding = Embedding(
      numEmbeddings: description.vocabularySize, embeddingDim: description.embeddingSize, paddingIdx: 0)
    lstm = LSTM(
      inputSize: description.embeddingSize, hiddenSize: description.hiddenSize, batchFirst: true,
      bidirectional: true)
    dropout = Dropout(description.dropout)
    fc = Linear(2 * description.hiddenSize, description.classCount)
  }

  public var children: [(name: String, module: any Module)] {
    [("embedding", embedding), ("lstm", lstm), ("dropout", dropout), ("fc", fc)]
  }

  public var minimumLength: Int { 1 }

  public func forward(_ input: Variable) -> Variable { forwardUnpadded(input) }

  public func logits(ids: Variable, lengths: [Int]) -> Variable {
    let n = ids.shape[0]
    let final = lstm.run(embedding(ids), lengths: lengths).state.hidden  // [2, N, H]
    // [2, N, H] → [N, 2, H] → [N, 2H]: row i is cat(h[0][i], h[1][i]).
    let states = transposed(final, 0, 1).reshaped([n, 2 * textClassifierDescription.hiddenSize])
    return fc(dropout(states))
  }
}
