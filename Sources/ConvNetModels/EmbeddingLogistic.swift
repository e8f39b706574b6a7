import ConvNetAutograd
import ConvNetNN
import ConvNetTensor

/// The course's first text classifier: each review is the mean of its tokens' embeddings, and
/// one linear layer maps that mean to class logits — logistic regression on mean embeddings,
/// with the embeddings learnt at the same time. Padding is not averaged in (the mean runs over
/// each row's own tokens).
///
/// PyTorch definition (keys `embedding.weight`, `fc.weight`, `fc.bias`):
/// ```python
/// self.embedding = nn.EmbeddingBag(V, E, mode="mean")
/// self.fc = nn.Linear(E, K)
/// logits = self.fc(self.embedding(flat_ids, offsets))
/// ```
public final class EmbeddingLogistic: TextClassifierModel {
  public let textClassifierDescription: TextClassifierDescription
  public let embedding: EmbeddingBag
  public let fc: Linear

  public init(_ description: TextClassifierDescription) {
    textClassifierDescription = description
    embedding = EmbeddingBag(
      numEmbeddings: description.vocabularySize, embeddingDim: description.embeddingSize, mode: .mean)
    fc = Linear(description.embeddingSize, description.classCount)
  }

  public var children: [(name: String, module: any Module)] { [("embedding", embedding), ("fc", fc)] }

  public var minimumLength: Int { 1 }

  public func forward(_ input: Variable) -> Variable { forwardUnpadded(input) }

  public func logits(ids: Variable, lengths: [Int]) -> Variable {
    fc(embedding.bag(ids: ids, lengths: lengths))
  }
}
