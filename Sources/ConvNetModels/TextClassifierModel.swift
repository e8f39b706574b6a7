import ConvNetAutograd
import ConvNetNN
import ConvNetTensor

/// A network that maps a batch of token-id rows to class logits: the text classifiers of the
/// catalogue (`Architectures.textClassifiers`).
///
/// Ids travel as Float values (exact below 2²⁴), as `PaddedBatch.idTensor` gives them; row i
/// holds `lengths[i]` tokens followed by padding. A model's result for a row does not depend on
/// how much padding the batch adds after it (TextCNN masks the windows past the text, the
/// BiLSTM runs each row to its own length, the embedding bag averages the row's tokens only),
/// so a review is classified the same alone or in a batch.
public protocol TextClassifierModel: Module {
  /// What the network is: its kind and sizes (stored with the weights).
  var textClassifierDescription: TextClassifierDescription { get }
  /// Class logits [N, K] for ids [N, T]; `lengths` has N entries, each in 1…T.
  func logits(ids: Variable, lengths: [Int]) -> Variable
  /// The shortest batch length T the network accepts (TextCNN's widest window).
  var minimumLength: Int { get }
}

extension TextClassifierModel {
  /// Logits of rows without padding (every row is T tokens long): what `model(x)` computes, so
  /// summaries and `infer` see a plain [N, T] → [N, K] network.
  public func forwardUnpadded(_ ids: Variable) -> Variable {
    logits(ids: ids, lengths: Array(repeating: ids.shape[1], count: ids.shape[0]))
  }
}
