import ConvNetAutograd
import ConvNetData
import ConvNetNN
import ConvNetTensor
import Foundation

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
///
/// With `averagingMirrorImages` (test-time augmentation), each image's class probabilities are
/// the mean of the softmax for the image and for its left–right mirror image; the prediction is
/// their argmax and the loss −ln of the true class's mean probability. Use it only for data whose
/// classes mirroring keeps (clothes, CIFAR, photos — not digits or letters).
public func evaluate(
  _ model: any Module, on loader: DataLoader, classCount: Int, averagingMirrorImages: Bool = false
) -> EvaluationResult {
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
      let predictions: [Int]
      if averagingMirrorImages {
        let mirrorLogits = model(Variable(mirroredLeftRight(batch.images)))
        let probabilities = (softmax(logits).value + softmax(mirrorLogits).value) * 0.5
        let p = probabilities.scalars
        for (i, label) in batch.labels.enumerated() {
          totalLoss -= log(max(Double(p[i * classCount + label]), Double.leastNormalMagnitude))
        }
        predictions = probabilities.argmax(alongAxis: 1)
      } else {
        let loss = crossEntropy(logits: logits, labels: batch.labels).value.scalar
        totalLoss += Double(loss) * Double(batch.count)
        predictions = logits.value.argmax(alongAxis: 1)
      }
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

/// Images `[N, C, H, W]` with every row reversed (a left–right mirror).
func mirroredLeftRight(_ images: Tensor) -> Tensor {
  let width = images.shape[images.shape.count - 1]
  var mirrored = Tensor(uninitializedShape: images.shape)
  mirrored.withUnsafeMutableBufferPointer { target in
    images.withUnsafeBufferPointer { source in
      for rowStart in stride(from: 0, to: source.count, by: width) {
        for x in 0..<width { target[rowStart + x] = source[rowStart + width - 1 - x] }
      }
    }
  }
  return mirrored
}
