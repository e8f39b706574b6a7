extension HistoryEntry {
  /// The entry's figures as TensorBoard scalars. Tags group into cards by their prefix:
  /// `loss/train`, `loss/test`, `accuracy/train`, `accuracy/test` from epoch lines;
  /// `loss/train_steps`, `accuracy/train_steps`, `images_per_second` from step lines;
  /// `learning_rate` from both (so it is there with step lines turned off).
  public var tensorBoardScalars: [TensorBoardValue] {
    var values: [TensorBoardValue] = []
    func add(_ tag: String, _ value: Float?) {
      if let value { values.append(.scalar(tag: tag, value: value)) }
    }
    switch kind {
    case .step:
      add("loss/train_steps", trainLoss)
      add("accuracy/train_steps", trainAccuracy)
      add("learning_rate", learningRate)
      add("images_per_second", imagesPerSecond.map(Float.init))
    case .epoch:
      add("loss/train", trainLoss)
      add("loss/test", testLoss)
      add("accuracy/train", trainAccuracy)
      add("accuracy/test", testAccuracy)
      add("learning_rate", learningRate)
    }
    return values
  }
}
