import ConvNetAutograd
import ConvNetData
import ConvNetNN
import ConvNetTensor

/// How well a classifier does on a dataset: mean loss, accuracy and the confusion matrix.
public struct EvaluationResult: Sendable {
  /// Mean cross-entropy per sample.
  public let loss: Float
  /// Fraction of samples whose highest logit is the true class, in [0, 1].
  public let accuracy: Float
  public let count: Int
  /// confusion[true][predicted] = number of samples.
  public let confusion: [[Int]]

  /// Per class: (samples, correct, precision, recall).
  public var perClass: [(count: Int, correct: Int, precision: Float, recall: Float)] {
    confusion.indices.map { k in
      let count = confusion[k].reduce(0, +)
      let correct = confusion[k][k]
      let predicted = confusion.reduce(0) { $0 + $1[k] }
      return (
        count, correct, predicted == 0 ? 0 : Float(correct) / Float(predicted),
        count == 0 ? 0 : Float(correct) / Float(count)
      )
    }
  }
}

/// Runs `model` in evaluation mode over every batch of `loader`, without recording gradients.
/// The model's training/evaluation mode is restored afterwards.
public func evaluate(_ model: any Module, on loader: DataLoader, classCount: Int) -> EvaluationResult {
  let wasTraining = model.isTraining
  model.eval()
  defer { model.train(wasTraining) }
  var confusion = [[Int]](repeating: [Int](repeating: 0, count: classCount), count: classCount)
  var totalLoss = 0.0
  var count = 0
  var correct = 0
  withoutGradients {
    for batch in loader.batches(epoch: 0) {
      let logits = model(Variable(batch.images))
      precondition(
        logits.shape == [batch.count, classCount],
        "evaluate: the model gives logits \(logits.shape), expected [\(batch.count), \(classCount)]")
      let loss = crossEntropy(logits: logits, labels: batch.labels).value.scalar
      totalLoss += Double(loss) * Double(batch.count)
      let predictions = logits.value.argmax(alongAxis: 1)
      for (label, predicted) in zip(batch.labels, predictions) {
        confusion[label][predicted] += 1
        if label == predicted { correct += 1 }
      }
      count += batch.count
    }
  }
  return EvaluationResult(
    loss: count == 0 ? 0 : Float(totalLoss / Double(count)),
    accuracy: count == 0 ? 0 : Float(correct) / Float(count), count: count, confusion: confusion)
}
