import ConvNetAutograd
import ConvNetData
import ConvNetNN
import ConvNetTensor
import Foundation

/// A sample the classifier got wrong, and how sure it was of its wrong answer.
public struct ClassificationMistake: Sendable, Equatable {
  /// The sample's index in the loader's dataset.
  public let index: Int
  public let trueLabel: Int
  public let predictedLabel: Int
  /// Softmax probability of the predicted (wrong) class.
  public let probability: Float
  /// Softmax probability the model gave the true class.
  public let trueProbability: Float

  public init(index: Int, trueLabel: Int, predictedLabel: Int, probability: Float, trueProbability: Float) {
    self.index = index
    self.trueLabel = trueLabel
    self.predictedLabel = predictedLabel
    self.probability = probability
    self.trueProbability = trueProbability
  }
}

/// The `limit` samples of `loader` that `model` (in evaluation mode, no gradients) classifies
/// wrong with the highest probability for its wrong class — the "confidently wrong" cases
/// worth looking at — most confident first (ties: lower index first). The model's
/// training/evaluation mode is restored afterwards.
public func mostConfidentMistakes(
  _ model: any Module, on loader: DataLoader, classCount: Int, limit: Int
) -> [ClassificationMistake] {
  guard limit > 0 else { return [] }
  let wasTraining = model.isTraining
  model.eval()
  defer { model.train(wasTraining) }
  var mistakes: [ClassificationMistake] = []
  withoutGradients {
    for batch in loader.batches(epoch: 0) {
      let probabilities = softmax(model(Variable(batch.images))).value
      precondition(
        probabilities.shape == [batch.count, classCount],
        "mostConfidentMistakes: the model gives \(probabilities.shape) outputs, expected [\(batch.count), \(classCount)]"
      )
      let p = probabilities.scalars
      for (row, predicted) in probabilities.argmax(alongAxis: 1).enumerated()
      where predicted != batch.labels[row] {
        let label = batch.labels[row]
        mistakes.append(
          ClassificationMistake(
            index: batch.indices[row], trueLabel: label, predictedLabel: predicted,
            probability: p[row * classCount + predicted], trueProbability: p[row * classCount + label]))
      }
      // Keep the list short on large test sets with many mistakes.
      if mistakes.count > 4 * limit + 1024 {
        mistakes = Array(mistakes.sorted(by: moreConfident).prefix(limit))
      }
    }
  }
  return Array(mistakes.sorted(by: moreConfident).prefix(limit))
}

private func moreConfident(_ a: ClassificationMistake, _ b: ClassificationMistake) -> Bool {
  a.probability != b.probability ? a.probability > b.probability : a.index < b.index
}
