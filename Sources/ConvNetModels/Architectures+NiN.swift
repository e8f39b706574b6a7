import ConvNetNN

extension Architectures {
  /// Network in Network for CIFAR-10 (also takes 28×28).
  static let ninFamily: [Architecture] = [
    Architecture(
      name: "nin",
      summary: "Network in Network for CIFAR-10, global average pooling (966,986 parameters)",
      inputShape: [3, 32, 32], classifierPrefix: "features.20", minimumInputSize: 4
    ) { channels, classes in NiN(inputChannels: channels, classCount: classes) }
  ]
}
