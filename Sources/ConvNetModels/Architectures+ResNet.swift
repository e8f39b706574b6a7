import ConvNetNN

extension Architectures {
  /// torchvision's ImageNet ResNets, the CIFAR ResNets of He et al. §4.2, and SE-ResNet-50.
  static let resNetFamily: [Architecture] =
    ResNet.Depth.allCases.map { depth in
      let layers = depth.rawValue.dropFirst("resNet".count)
      return Architecture(
        name: "resnet\(layers)",
        summary:
          "ResNet-\(layers) (torchvision; \(depth.blockKind == .basic ? "basic" : "bottleneck") "
          + "blocks \(depth.layerBlockCounts.map(String.init).joined(separator: "-")))",
        inputShape: [3, 224, 224], classifierPrefix: "fc"
      ) { channels, classes in ResNet(depth: depth, inputChannels: channels, classCount: classes) }
    }
    + [20, 56].map { depth in
      Architecture(
        name: "resnet\(depth)",
        summary: "ResNet-\(depth) for CIFAR (He et al. §4.2, option-A shortcuts; "
          + "\(depth == 20 ? "269,722" : "853,018") parameters for 10 classes)",
        inputShape: [3, 32, 32], classifierPrefix: "fc"
      ) { channels, classes in
        CIFARResNet(depth: depth, inputChannels: channels, classCount: classes)
      }
    } + [
      Architecture(
        name: "seresnet50",
        summary: "SE-ResNet-50 (timm's seresnet50: ResNet-50 with squeeze-and-excitation, r = 16)",
        inputShape: [3, 224, 224], classifierPrefix: "fc"
      ) { channels, classes in
        ResNet(
          depth: .resNet50, inputChannels: channels, classCount: classes, squeezeExcitation: true)
      }
    ]
}
