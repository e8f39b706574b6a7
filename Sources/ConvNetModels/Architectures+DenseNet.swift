import ConvNetNN

extension Architectures {
  /// torchvision's DenseNet-BC 121, 161, 169 and 201.
  static let denseNetFamily: [Architecture] = DenseNet.Variant.allCases.map { variant in
    let layers = variant.rawValue.dropFirst("denseNet".count)
    return Architecture(
      name: "densenet\(layers)",
      summary: "DenseNet-\(layers) (torchvision; growth rate \(variant.growthRate), blocks "
        + "\(variant.blockConfiguration.map(String.init).joined(separator: "-")); inputs ≥ 29×29)",
      inputShape: [3, 224, 224], classifierPrefix: "classifier", minimumInputSize: 29
    ) { channels, classes in
      DenseNet(variant: variant, inputChannels: channels, classCount: classes)
    }
  }
}
