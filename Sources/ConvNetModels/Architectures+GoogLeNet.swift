import ConvNetNN

extension Architectures {
  /// torchvision's GoogLeNet (Inception v1), without the auxiliary classifiers.
  static let googLeNetFamily: [Architecture] = [
    Architecture(
      name: "googlenet",
      summary: "GoogLeNet / Inception v1 (torchvision, batch norm, no auxiliary heads; "
        + "6,624,904 parameters for 1,000 classes)",
      inputShape: [3, 224, 224], classifierPrefix: "fc", minimumInputSize: 15
    ) { channels, classes in GoogLeNet(inputChannels: channels, classCount: classes) }
  ]
}
