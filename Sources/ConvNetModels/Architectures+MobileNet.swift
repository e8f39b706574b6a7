import ConvNetNN

extension Architectures {
  /// MobileNet v1 (timm `mobilenetv1_100` keys), v2 and v3 (torchvision keys), width 1.0.
  static let mobileNetFamily: [Architecture] = [
    Architecture(
      name: "mobilenet_v1", summary: "MobileNet v1, width 1.0, timm layout (4,231,976 parameters)",
      inputShape: [3, 224, 224], classifierPrefix: "classifier"
    ) { channels, classes in MobileNetV1(inputChannels: channels, classCount: classes) },
    Architecture(
      name: "mobilenet_v2",
      summary: "MobileNetV2, width 1.0, torchvision layout (3,504,872 parameters)",
      inputShape: [3, 224, 224], classifierPrefix: "classifier.1"
    ) { channels, classes in MobileNetV2(inputChannels: channels, classCount: classes) },
    Architecture(
      name: "mobilenet_v3_small",
      summary: "MobileNetV3-Small, torchvision layout (2,542,856 parameters)",
      inputShape: [3, 224, 224], classifierPrefix: "classifier.3"
    ) { channels, classes in MobileNetV3(.small, inputChannels: channels, classCount: classes) },
    Architecture(
      name: "mobilenet_v3_large",
      summary: "MobileNetV3-Large, torchvision layout (5,483,032 parameters)",
      inputShape: [3, 224, 224], classifierPrefix: "classifier.3"
    ) { channels, classes in MobileNetV3(.large, inputChannels: channels, classCount: classes) },
  ]
}
