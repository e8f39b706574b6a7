import ConvNetAutograd
import ConvNetData
import ConvNetNN
import ConvNetTensor
import Foundation

/// What a classifier said about one sample: its true label, the predicted class, and the most
/// probable classes with their softmax probabilities.
public struct SamplePrediction: Sendable {
  public struct ClassProbability: Sendable, Equatable {
    public let label: Int
    public let probability: Float

    public init(label: Int, probability: Float) {
      self.label = label
      self.probability = probability
    }
  }

  /// The sample's index in the dataset the loader reads.
  public let index: Int
  public let label: Int
  /// The class with the highest probability.
  public var predicted: Int { top[0].label }
  public var isCorrect: Bool { predicted == label }
  /// The most probable classes, most probable first (ties: lower label first).
  public let top: [ClassProbability]
  /// The probability given to the true class.
  public let labelProbability: Float

  /// `top` must hold at least one class, the most probable first.
  public init(index: Int, label: Int, top: [ClassProbability], labelProbability: Float) {
    precondition(!top.isEmpty, "SamplePrediction: no classes in top")
    self.index = index
    self.label = label
    self.top = top
    self.labelProbability = labelProbability
  }
}

/// A dataset classified sample by sample: the summary an `evaluate` gives, plus what the model
/// said about each sample (its top classes), in dataset order.
public struct ClassifiedSamples: Sendable {
  public let result: EvaluationResult
  public let predictions: [SamplePrediction]
}

/// Runs `model` in evaluation mode over every batch of `loader` (no gradients) and keeps, for
/// each sample, its `topCount` most probable classes — for showing predictions, not only
/// counting them. Loss, accuracy and confusion matrix are those `evaluate` computes; the model's
/// training/evaluation mode is restored afterwards.
///
/// Only the top classes are kept per sample, so 50,000 ImageNet-class samples stay small.
public func classifyEachSample(
  _ model: any Module, on loader: DataLoader, classCount: Int, topCount: Int = 5
) -> ClassifiedSamples {
  let wasTraining = model.isTraining
  model.eval()
  defer { model.train(wasTraining) }
  let kept = max(1, min(topCount, classCount))
  var confusion = [[Int]](repeating: [Int](repeating: 0, count: classCount), count: classCount)
  var predictions: [SamplePrediction] = []
  var totalLoss = 0.0
  var correct = 0
  withoutGradients {
    for batch in loader.batches(epoch: 0) {
      let logits = model(Variable(batch.images))
      precondition(
        logits.shape == [batch.count, classCount],
        "classifyEachSample: the model gives logits \(logits.shape), expected [\(batch.count), \(classCount)]"
      )
      totalLoss +=
        Double(crossEntropy(logits: logits, labels: batch.labels).value.scalar) * Double(batch.count)
      let probabilities = softmax(logits).value.scalars
      for (row, label) in batch.labels.enumerated() {
        let p = probabilities[(row * classCount)..<((row + 1) * classCount)]
        // The first `kept` labels by probability; a stable sort keeps the lower label first on
        // ties, as argmax does.
        let order = p.indices.sorted { p[$0] > p[$1] || (p[$0] == p[$1] && $0 < $1) }.prefix(kept)
        let top = order.map {
          SamplePrediction.ClassProbability(label: $0 - p.startIndex, probability: p[$0])
        }
        let prediction = SamplePrediction(
          index: batch.indices[row], label: label, top: top, labelProbability: p[p.startIndex + label])
        confusion[label][prediction.predicted] += 1
        if prediction.isCorrect { correct += 1 }
        predictions.append(prediction)
      }
    }
  }
  let count = predictions.count
  return ClassifiedSamples(
    result: EvaluationResult(
      loss: count == 0 ? 0 : Float(totalLoss / Double(count)),
      accuracy: count == 0 ? 0 : Float(correct) / Float(count), count: count, confusion: confusion),
    predictions: predictions)
}
