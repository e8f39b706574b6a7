import ConvNetAutograd
import ConvNetNN
import ConvNetTensor

/// Kim (2014), "Convolutional Neural Networks for Sentence Classification": the course's CNN
/// applied to text. Each token's embedding is a column of an E-channel signal; parallel conv1d
/// layers of widths 3, 4 and 5 (100 filters each) slide over it, ReLU, the maximum of each
/// filter over time, the maxima concatenated (300 features), dropout 0.5, one linear layer.
///
/// PyTorch definition (keys `embedding.weight`, `convs.0.weight` … `convs.2.bias`, `fc.weight`,
/// `fc.bias`):
/// ```python
/// self.embedding = nn.Embedding(V, E, padding_idx=0)
/// self.convs = nn.ModuleList([nn.Conv1d(E, F, w) for w in (3, 4, 5)])
/// self.dropout = nn.Dropout(0.5); self.fc = nn.Linear(3 * F, K)
/// x = self.embedding(ids).transpose(1, 2)                      # [N, E, T]
/// h = [torch.relu(conv(x)) * mask_w for conv in self.convs]    # [N, F, T - w + 1]
/// logits = self.fc(self.dropout(torch.cat([t.amax(2) for t in h], 1)))
/// ```
/// `mask_w` keeps, in row i, the windows that start inside its text: positions
/// 0 ..< max(1, lengths[i] − w + 1) (a text shorter than the window keeps its one window, which
/// reads padding embeddings — zero, since id 0 is the padding index). ReLU outputs are ≥ 0, so
/// zeroing the other windows before the maximum leaves exactly the maximum over the text's own
/// windows: the result does not depend on how much padding the batch adds.
public final class TextCNN: TextClassifierModel {
  public let textClassifierDescription: TextClassifierDescription
  public let embedding: Embedding
  public let convs: [Conv1d]
  public let dropout: Dropout
  public let fc: Linear

  public init(_ description: TextClassifierDescription) {
    textClassifierDescription = description
    embedding = Embedding(
      numEmbeddings: description.vocabularySize, embeddingDim: description.embeddingSize, paddingIdx: 0)
    convs = description.widths.map { Conv1d(description.embeddingSize, description.filters, kernelSize: $0) }
    dropout = Dropout(description.dropout)
    fc = Linear(description.filters * description.widths.count, description.classCount)
  }

  public var children: [(name: String, module: any Module)] {
    [("embedding", embedding)] + convs.enumerated().map { ("convs.\($0.offset)", $0.element) }
      + [("dropout", dropout), ("fc", fc)]
  }

  public var minimumLength: Int { textClassifierDescription.widths.max() ?? 1 }

  public func forward(_ input: Variable) -> Variable { forwardUnpadded(input) }

  public func logits(ids: Variable, lengths: [Int]) -> Variable {
    let n = ids.shape[0]
    let t = ids.shape[1]
    precondition(t >= minimumLength, "TextCNN: batch length \(t) is below the widest window \(minimumLength)")
    let signal = transposed(embedding(ids), 1, 2)  // [N, E, T]
    var features: [Variable] = []
    for conv in convs {
      let positions = t - conv.kernelSize + 1
      var mask = [Float](repeating: 0, count: n * positions)
      for row in 0..<n {
        for p in 0..<min(positions, max(1, lengths[row] - conv.kernelSize + 1)) { mask[row * positions + p] = 1 }
      }
      let activations = relu(conv(signal)) * Variable(Tensor(shape: [n, 1, positions], scalars: mask))
      let pooled = maxPool2d(
        activations.reshaped([n, textClassifierDescription.filters, 1, positions]),
        kernelSize: Size2(1, positions))
      features.append(pooled.reshaped([n, textClassifierDescription.filters]))
    }
    return fc(dropout(concatenate(features, axis: 1)))
  }
}
