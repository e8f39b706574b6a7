import ConvNetAutograd
import ConvNetInsight
import ConvNetModels
import ConvNetNN
import ConvNetTensor
import TestSupport
import XCTest

final class FeatureMapCaptureTests: XCTestCase {
  /// A deterministic image batch of one.
  static func input(_ shape: [Int], seed: UInt64 = 7) -> Tensor {
    var generator = SeededGenerator(seed: seed)
    return Tensor.randomUniform([1] + shape, using: &generator)
  }

  func testLeNet5DefaultLayersAreItsConvolutionsAndPoolings() throws {
    let model = RandomSource.withSeed(1) { LeNet5() }
    let result = try FeatureMapCapture.capture(model, input: Self.input([1, 28, 28]))
    // features: conv 1→6 (5×5, pad 2) 28×28, max pool 14×14, conv 6→16 (5×5) 10×10, pool 5×5.
    XCTAssertEqual(result.featureMaps.map(\.name), ["features.0", "features.2", "features.3", "features.5"])
    XCTAssertEqual(result.featureMaps.map(\.channelCount), [6, 6, 16, 16])
    XCTAssertEqual(result.featureMaps.map(\.height), [28, 14, 10, 5])
    XCTAssertEqual(result.output.shape, [1, 10])
  }

  func testCapturedActivationEqualsThePrefixRunByHand() throws {
    let model = RandomSource.withSeed(2) { LeNet5() }
    model.eval()
    let x = Self.input([1, 28, 28])
    let result = try FeatureMapCapture.capture(
      model, input: x, layers: ["features.3", "features.1", "features.4"])
    XCTAssertEqual(result.featureMaps.map(\.name), ["features.3", "features.1", "features.4"])
    let f = model.features
    let (afterConv1, afterConv2) = withoutGradients { () -> (Tensor, Tensor) in
      let a = f[1](f[0](Variable(x)))
      return (a.value, f[3](f[2](a)).value)
    }
    assertClose(result.featureMaps[0].values, afterConv2)
    assertClose(result.featureMaps[1].values, afterConv1)
    // The ReLU after the second convolution, by hand.
    var rectified = afterConv2
    rectified.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] = max($0[i], 0) } }
    assertClose(result.featureMaps[2].values, rectified)
    // Observing the outputs (layers run one by one) changes nothing in the logits.
    let plain = withoutGradients { model(Variable(x)) }.value
    assertClose(result.output, plain, absoluteTolerance: 1e-5)
  }

  func testResNet18DefaultLayersAreItsBlocksAndShortcuts() throws {
    let model = RandomSource.withSeed(3) { ResNet(depth: .resNet18, inputChannels: 3, classCount: 10) }
    let result = try FeatureMapCapture.capture(model, input: Self.input([3, 64, 64]))
    // Stem: conv 7×7/2 → 32×32 (64 maps), max pool 3/2 → 16×16; stages of two basic blocks of
    // 64, 128, 256, 512 channels at 16, 8, 4, 2 pixels; stages 2–4 start with a projection
    // shortcut, which finishes before its block.
    var expected: [(String, Int, Int)] = [("conv1", 64, 32), ("maxpool", 64, 16)]
    for (stage, (channels, size)) in [(64, 16), (128, 8), (256, 4), (512, 2)].enumerated() {
      if stage > 0 { expected.append(("layer\(stage + 1).0.downsample", channels, size)) }
      expected.append(("layer\(stage + 1).0", channels, size))
      expected.append(("layer\(stage + 1).1", channels, size))
    }
    XCTAssertEqual(result.featureMaps.map(\.name), expected.map(\.0))
    XCTAssertEqual(result.featureMaps.map(\.channelCount), expected.map(\.1))
    XCTAssertEqual(result.featureMaps.map(\.height), expected.map(\.2))
    XCTAssertEqual(result.featureMaps.map(\.layerDescription)[2], "BasicBlock")
  }

  func testGoogLeNetAndDenseNetBranchesAreNamedByModulePath() {
    let googLeNet = RandomSource.withSeed(4) { GoogLeNet(inputChannels: 3, classCount: 10) }
    let paths = Set(LayerSelection.blockPaths(of: googLeNet))
    for path in [
      "conv1", "maxpool1", "inception3a", "inception3a.branch1", "inception3a.branch2.0",
      "inception3a.branch2.1", "inception3a.branch3.1", "inception3a.branch4.1", "inception5b",
    ] {
      XCTAssertTrue(paths.contains(path), path)
    }
    // Inside a block, single layers (the branch's pooling, a BasicConv2d's conv) are not blocks.
    XCTAssertFalse(paths.contains("inception3a.branch4.0"))
    XCTAssertFalse(paths.contains("inception3a.branch1.conv"))
    XCTAssertFalse(paths.contains("conv1.conv"))

    let denseNet = RandomSource.withSeed(5) {
      DenseNet(
        growthRate: 4, blockConfiguration: [2, 2], initialFeatures: 8, inputChannels: 3, classCount: 10)
    }
    XCTAssertEqual(
      LayerSelection.blockPaths(of: denseNet),
      [
        "features.conv0", "features.pool0", "features.denseblock1", "features.denseblock1.denselayer1",
        "features.denseblock1.denselayer2", "features.transition1", "features.denseblock2",
        "features.denseblock2.denselayer1", "features.denseblock2.denselayer2", "avgpool",
      ])
  }

  func testDenseLayerMapsHoldTheGrowthRateChannels() throws {
    let model = RandomSource.withSeed(6) {
      DenseNet(
        growthRate: 4, blockConfiguration: [2, 2], initialFeatures: 8, inputChannels: 3, classCount: 10)
    }
    let result = try FeatureMapCapture.capture(model, input: Self.input([3, 32, 32]))
    let channels = Dictionary(uniqueKeysWithValues: result.featureMaps.map { ($0.name, $0.channelCount) })
    // Stem 8 maps; each dense layer adds k = 4; block 1: 8 + 2·4 = 16, halved by the transition
    // to 8; block 2: 8 + 8 = 16. The global average pool (1×1) is left out.
    XCTAssertEqual(channels["features.conv0"], 8)
    XCTAssertEqual(channels["features.denseblock1.denselayer2"], 4)
    XCTAssertEqual(channels["features.denseblock1"], 16)
    XCTAssertEqual(channels["features.transition1"], 8)
    XCTAssertEqual(channels["features.denseblock2"], 16)
    XCTAssertNil(channels["avgpool"])
    // Parts finish before their block.
    let names = result.featureMaps.map(\.name)
    XCTAssertLessThan(
      names.firstIndex(of: "features.denseblock1.denselayer2")!, names.firstIndex(of: "features.denseblock1")!
    )
  }

  func testLogisticRegressionHasNoFeatureMapsAndGradCAMSaysSo() throws {
    let model = RandomSource.withSeed(8) {
      try! Architectures.named("logistic-regression").build(classCount: 10)
    }
    XCTAssertTrue(try FeatureMapCapture.capture(model, input: Self.input([1, 28, 28])).featureMaps.isEmpty)
    XCTAssertThrowsError(try GradCAM(model: model, input: Self.input([1, 28, 28]), classIndex: 3)) {
      XCTAssertTrue("\($0)".contains("no convolutional block"), "\($0)")
    }
  }

  func testEveryCatalogueArchitectureGivesFeatureMapsFiltersAndGradCAM() throws {
    // logistic-regression (one Linear layer on the pixels) has no feature maps: checked below.
    for architecture in Architectures.all where architecture.name != "logistic-regression" {
      // Natural size for the small networks (LeNet-5's classifier needs 28×28), a small one for
      // the ImageNet networks.
      let natural = architecture.inputShape[1]
      let size = natural <= 64 ? natural : max(architecture.minimumInputSize, 40)
      let shape = [architecture.inputShape[0], size, size]
      let model = RandomSource.withSeed(8) { architecture.build(classCount: 10) }
      let result = try FeatureMapCapture.capture(model, input: Self.input(shape))
      XCTAssertFalse(result.featureMaps.isEmpty, architecture.name)
      XCTAssertTrue(result.featureMaps.allSatisfy { $0.height * $0.width > 1 }, architecture.name)
      XCTAssertEqual(result.output.shape, [1, 10], architecture.name)
      // Grad-CAM of its last convolutional block and the first layer's filters work too.
      let cam = try GradCAM(model: model, input: Self.input(shape), classIndex: 3)
      XCTAssertEqual(cam.heatMap.shape, [size, size], architecture.name)
      XCTAssertTrue(cam.heatMap.scalars.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 }, architecture.name)
      XCTAssertFalse(try FilterTiles(model: model).tiles.isEmpty, architecture.name)
    }
  }

  func testBadLayerNamesAreReported() {
    let model = RandomSource.withSeed(9) { LeNet5() }
    let x = Self.input([1, 28, 28])
    XCTAssertThrowsError(try FeatureMapCapture.capture(model, input: x, layers: ["features.9"])) {
      XCTAssertTrue("\($0)".contains("no layer named \"features.9\""), "\($0)")
    }
    XCTAssertThrowsError(try FeatureMapCapture.capture(model, input: x, layers: ["classifier.0"])) {
      XCTAssertTrue("\($0)".contains("not feature maps"), "\($0)")
    }
    XCTAssertThrowsError(try FeatureMapCapture.capture(model, input: Tensor.zeros([28, 28]))) {
      XCTAssertTrue("\($0)".contains("N×C×H×W"), "\($0)")
    }
  }
}
