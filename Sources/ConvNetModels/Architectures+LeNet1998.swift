import ConvNetNN

extension Architectures {
  /// LeNet-5 as published in 1998 (32×32 input: pad MNIST by 2).
  static let leNet1998Family: [Architecture] = [
    Architecture(
      name: "lenet5-1998",
      summary:
        "LeNet-5 as published in 1998: scaled tanh, trainable subsampling, C3 connection table "
        + "(60,850 parameters; 32×32 input)",
      inputShape: [1, 32, 32], classifierPrefix: "output", minimumInputSize: 32,
      hasFixedInputSize: true
    ) { channels, classes in LeNet1998(inputChannels: channels, classCount: classes) }
  ]
}
