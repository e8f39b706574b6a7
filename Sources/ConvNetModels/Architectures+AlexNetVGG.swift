import ConvNetNN

extension Architectures {
  /// AlexNet (torchvision layout). Needs ≥ 63×63 input.
  static let alexNetFamily: [Architecture] = [
    Architecture(
      name: "alexnet",
      summary: "AlexNet, torchvision layout (61,100,840 parameters for 1000 classes)",
      inputShape: [3, 224, 224], classifierPrefix: "classifier.6", minimumInputSize: 63
    ) { channels, classes in AlexNet(inputChannels: channels, classCount: classes) }
  ]

  /// VGG-11/13/16/19 with and without batch norm (torchvision layout). Needs ≥ 32×32 input.
  static let vggFamily: [Architecture] = VGG.Depth.allCases.flatMap { depth in
    [false, true].map { batchNorm in
      Architecture(
        name: "vgg\(depth.rawValue)\(batchNorm ? "_bn" : "")",
        summary: "VGG-\(depth.rawValue)\(batchNorm ? " with batch norm" : ""), torchvision layout",
        inputShape: [3, 224, 224], classifierPrefix: "classifier.6", minimumInputSize: 32
      ) { channels, classes in
        VGG(depth: depth, batchNorm: batchNorm, inputChannels: channels, classCount: classes)
      }
    }
  }
}
