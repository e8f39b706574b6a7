import ConvNetAutograd
import ConvNetModels
import ConvNetNN
import ConvNetTensor
import TestSupport
import XCTest

final class MobileNetTests: XCTestCase {
  /// torchvision's `_make_divisible`, worked by hand: round to the nearest multiple of 8, at
  /// least 8, and add 8 when rounding lost more than 10%.
  func testMakeDivisible() {
    XCTAssertEqual(MobileNet.makeDivisible(32), 32)
    XCTAssertEqual(MobileNet.makeDivisible(8), 8)  // 32·0.25
    XCTAssertEqual(MobileNet.makeDivisible(4), 8)  // 16·0.25: never below the divisor
    XCTAssertEqual(MobileNet.makeDivisible(18), 24)  // 72·0.25: 16 < 0.9·18, so 16 + 8
    XCTAssertEqual(MobileNet.makeDivisible(22), 24)  // 88·0.25: ⌊(22+4)/8⌋·8 = 24
    XCTAssertEqual(MobileNet.makeDivisible(12), 16)  // ⌊16/8⌋·8 = 16 (ties round up)
  }

  /// Parameter counts of the full-size models for 1000 classes (torchvision model docs; timm
  /// `mobilenetv1_100`, the paper's 4.2 M).
  func testParameterCounts() throws {
    let expected = [
      "mobilenet_v1": 4_231_976, "mobilenet_v2": 3_504_872, "mobilenet_v3_small": 2_542_856,
      "mobilenet_v3_large": 5_483_032,
    ]
    for (name, count) in expected {
      let model = try Architectures.named(name).build(inputChannels: 3, classCount: 1000)
      XCTAssertEqual(model.parameterCount, count, name)
    }
  }

  func testKeysAndShapesMatchReferences() throws {
    for name in ["mobilenet_v1", "mobilenet_v2", "mobilenet_v3_small", "mobilenet_v3_large"] {
      let architecture = try Architectures.named(name)
      let model = architecture.build(inputChannels: 3, classCount: 1000)
      assertClassifierPrefix(architecture, model, classCount: 1000)
      try TorchReference.assertKeysMatch(model, arch: name, folder: "mobilenet")
    }
  }

  func testV2MatchesTorchvisionAtWidthQuarter() throws {
    let model = MobileNetV2(classCount: 10, widthMultiplier: 0.25)
    try TorchReference.assertOutputMatches(model, name: "mobilenet_v2_w025", folder: "mobilenet")
  }

  func testV3SmallMatchesTorchvisionAtWidthQuarter() throws {
    let model = MobileNetV3(.small, classCount: 10, widthMultiplier: 0.25)
    try TorchReference.assertOutputMatches(
      model, name: "mobilenet_v3_small_w025", folder: "mobilenet")
  }

  func testV3LargeMatchesTorchvisionAtWidthQuarter() throws {
    let model = MobileNetV3(.large, classCount: 10, widthMultiplier: 0.25)
    try TorchReference.assertOutputMatches(
      model, name: "mobilenet_v3_large_w025", folder: "mobilenet")
  }

  func testV1MatchesTimmAtWidthQuarter() throws {
    let model = MobileNetV1(classCount: 10, widthMultiplier: 0.25)
    try TorchReference.assertOutputMatches(model, name: "mobilenet_v1_w025", folder: "mobilenet")
  }

  /// Built through the catalogue for one-channel 28×28 digits, every MobileNet reaches 1×1
  /// before its global pooling and returns one logit per class.
  func testMNISTSizedInput() throws {
    for name in ["mobilenet_v1", "mobilenet_v2", "mobilenet_v3_small", "mobilenet_v3_large"] {
      let model = try Architectures.named(name).build(inputChannels: 1, classCount: 10)
      model.eval()
      let output = withoutGradients { model(Variable(Tensor.zeros([2, 1, 28, 28]))) }
      XCTAssertEqual(output.shape, [2, 10], name)
    }
  }

  /// Backpropagation in training mode (batch statistics, hardswish, squeeze-excitation gates,
  /// shortcuts): a few SGD steps on one small batch lower the loss.
  func testV3TrainingStepsReduceLoss() {
    let model = RandomSource.withSeed(7) {
      MobileNetV3(.small, classCount: 4, widthMultiplier: 0.25)
    }
    var generator = SeededGenerator(seed: 8)
    let images = Variable(
      Tensor.randomUniform([8, 3, 32, 32], low: -1, high: 1, using: &generator))
    let labels = [0, 1, 2, 3, 0, 1, 2, 3]
    let optimizer = SGD(parameters: model.parameters, learningRate: 0.05, momentum: 0.9)
    var losses: [Float] = []
    for _ in 0..<10 {
      optimizer.zeroGradients()
      let loss = crossEntropy(logits: model(images), labels: labels)
      loss.backward()
      optimizer.step()
      losses.append(loss.value.scalar)
    }
    XCTAssertLessThan(losses.last!, losses.first!, "losses \(losses)")
  }

  /// The shortcut of an inverted residual exists exactly when stride is 1 and channels are kept.
  func testShortcutRule() {
    XCTAssertTrue(MobileNetV2.InvertedResidual(24, 24, stride: 1, expansion: 6).usesShortcut)
    XCTAssertFalse(MobileNetV2.InvertedResidual(24, 24, stride: 2, expansion: 6).usesShortcut)
    XCTAssertFalse(MobileNetV2.InvertedResidual(24, 32, stride: 1, expansion: 6).usesShortcut)
  }
}
