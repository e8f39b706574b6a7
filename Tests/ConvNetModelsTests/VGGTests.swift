import ConvNetAutograd
import ConvNetModels
import ConvNetNN
import ConvNetTensor
import TestSupport
import XCTest

final class VGGTests: XCTestCase {
  /// Parameter counts for 1000 classes from torchvision's model documentation; the keys and
  /// shapes (conv, batch norm and classifier indices) against torchvision's state_dict lists.
  func testParameterCountsKeysAndShapes() throws {
    let expected = [
      "vgg11": 132_863_336, "vgg13": 133_047_848, "vgg16": 138_357_544, "vgg19": 143_667_240,
      "vgg11_bn": 132_868_840, "vgg13_bn": 133_053_736, "vgg16_bn": 138_365_992,
      "vgg19_bn": 143_678_248,
    ]
    for name in expected.keys.sorted() {
      // Built one at a time (≈ 0.55 GB each); each is released before the next is built.
      let architecture = try Architectures.named(name)
      let model = architecture.build(inputChannels: 3, classCount: 1000)
      XCTAssertEqual(model.parameterCount, expected[name], name)
      assertClassifierPrefix(architecture, model, classCount: 1000)
      try TorchReference.assertKeysMatch(model, arch: name, folder: "vgg")
    }
  }

  /// Table 1 of the paper: configuration A/B/D/E has depth − 3 convolutions and 5 poolings.
  func testConfigurationTable() {
    for depth in VGG.Depth.allCases {
      let convolutions = depth.layers.filter { $0 != .maxPool }.count
      XCTAssertEqual(convolutions, depth.rawValue - 3, "\(depth)")
      XCTAssertEqual(depth.layers.filter { $0 == .maxPool }.count, 5, "\(depth)")
    }
  }

  /// A tiny VGG with batch norm — cfg [8, M, 16, M], 2×2 pooling, classifier width 32 — built
  /// through the same code path as the full models, against torchvision's `VGG(make_layers(…,
  /// batch_norm=True))` with the same substitutions.
  func testTinyBatchNormVGGMatchesTorchvision() throws {
    let model = VGG(
      layers: [.conv(8), .maxPool, .conv(16), .maxPool], batchNorm: true, classCount: 10,
      classifierWidth: 32, poolSize: 2)
    try TorchReference.assertOutputMatches(model, name: "vgg_tiny_bn", folder: "vgg")
  }
}
