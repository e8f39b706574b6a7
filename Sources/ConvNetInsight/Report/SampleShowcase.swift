import ConvNetTraining

/// Which test samples the report shows with their predictions: some the model gets right (one
/// per class in turn, the first of each class in dataset order, so every class appears before
/// any repeats) and its most confident mistakes — where a model fails is the instructive part.
public enum SampleShowcase {
  /// Up to `correctCount` correct and `wrongCount` wrong predictions, correct ones first.
  public static func choose(
    from predictions: [SamplePrediction], correctCount: Int, wrongCount: Int
  ) -> (correct: [SamplePrediction], wrong: [SamplePrediction]) {
    var byClass: [Int: [SamplePrediction]] = [:]
    for prediction in predictions where prediction.isCorrect {
      byClass[prediction.label, default: []].append(prediction)
    }
    var correct: [SamplePrediction] = []
    let labels = byClass.keys.sorted()
    var round = 0
    while correct.count < correctCount {
      var added = false
      for label in labels where correct.count < correctCount {
        if let list = byClass[label], round < list.count {
          correct.append(list[round])
          added = true
        }
      }
      if !added { break }
      round += 1
    }
    // Most confident first; equal confidence in dataset order.
    let wrong = predictions.filter { !$0.isCorrect }
      .sorted { ($0.top[0].probability, -$0.index) > ($1.top[0].probability, -$1.index) }
      .prefix(max(0, wrongCount))
    return (correct, Array(wrong))
  }
}
