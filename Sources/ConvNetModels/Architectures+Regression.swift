import ConvNetNN

extension Architectures {
  /// The course's first classifier of digits: multinomial logistic regression, i.e. one linear
  /// layer from the pixels to the class logits, trained with cross-entropy (softmax). Keys
  /// `1.weight` [classes, C·28·28] and `1.bias` (`nn.Sequential(nn.Flatten(), nn.Linear(…))`).
  /// For tables the same model is `TableModel.Kind.logisticRegression`.
  static let regressionFamily: [Architecture] = [
    Architecture(
      name: "logistic-regression",
      summary: "multinomial logistic regression: one Linear layer on the flattened pixels "
        + "(7,850 parameters for MNIST)",
      inputShape: [1, 28, 28], classifierPrefix: "1", hasFixedInputSize: true
    ) { channels, classes in
      Sequential {
        Flatten()
        Linear(channels * 28 * 28, classes)
      }
    }
  ]
}
