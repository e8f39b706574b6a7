import ConvNetAutograd
import ConvNetModels
import ConvNetNN
import ConvNetTensor
import TestSupport
import XCTest

/// ResNet (torchvision), the CIFAR ResNets (option A) and SE-ResNet-50 (timm) against counts
/// from torchvision/timm and references from Fixtures/make_resnet_densenet_googlenet_references.py.
final class ResNetTests: XCTestCase {
  func testParameterCountsMatchTorchvisionAndTimm() {
    // torchvision's documented num_params; timm's seresnet50; He et al.'s CIFAR nets with
    // option-A shortcuts (269,722 = 267,696 conv + 1,376 batch norm + 650 linear).
    let expected: [(String, Int, Int)] = [
      ("resnet18", 1000, 11_689_512), ("resnet34", 1000, 21_797_672),
      ("resnet50", 1000, 25_557_032), ("resnet101", 1000, 44_549_160),
      ("resnet152", 1000, 60_192_808), ("seresnet50", 1000, 28_088_024),
      ("resnet20", 10, 269_722), ("resnet56", 10, 853_018),
    ]
    for (name, classes, count) in expected {
      let model = try! Architectures.named(name).build(inputChannels: 3, classCount: classes)
      XCTAssertEqual(model.parameterCount, count, name)
    }
  }

  func testStateDictKeysAndShapesMatchPyTorch() throws {
    for depth in ResNet.Depth.allCases {
      try assertStateDictMatches(
        ResNet(depth: depth), family: "resnet", architecture: "resnet\(depth.rawValue.dropFirst(6))"
      )
    }
    try assertStateDictMatches(
      ResNet(depth: .resNet50, squeezeExcitation: true), family: "resnet",
      architecture: "seresnet50")
    try assertStateDictMatches(CIFARResNet(depth: 20), family: "resnet", architecture: "resnet20")
    try assertStateDictMatches(CIFARResNet(depth: 56), family: "resnet", architecture: "resnet56")
  }

  func testNarrowBasicBlockResNetMatchesTorchvision() throws {
    let (weights, input, output) = try ReferenceFixtures.reference("resnet", "basic_width8")
    let model = ResNet(depth: .resNet18, classCount: 10, width: 8)
    try assertMatchesReference(model, weights: weights, input: input, output: output)
  }

  func testNarrowBottleneckResNetMatchesTorchvision() throws {
    let (weights, input, output) = try ReferenceFixtures.reference("resnet", "bottleneck_width8")
    let model = ResNet(
      blockKind: .bottleneck, layerBlockCounts: [2, 1, 1, 1], classCount: 10, width: 8)
    try assertMatchesReference(model, weights: weights, input: input, output: output)
  }

  func testNarrowSEResNetMatchesTimm() throws {
    let (weights, input, output) = try ReferenceFixtures.reference("resnet", "se_bottleneck_width8")
    let model = ResNet(
      blockKind: .bottleneck, layerBlockCounts: [1, 1, 1, 1], classCount: 10, width: 8,
      squeezeExcitation: true)
    try assertMatchesReference(model, weights: weights, input: input, output: output)
  }

  func testResNet20MatchesPyTorchPort() throws {
    let (weights, input, output) = try ReferenceFixtures.reference("resnet", "resnet20")
    try assertMatchesReference(
      CIFARResNet(depth: 20), weights: weights, input: input, output: output)
  }

  /// Full-size networks with formula-filled weights on a 1×3×64×64 input.
  func testFullSizeResNetsMatchPyTorch() throws {
    try assertFormulaOutputMatches(ResNet(depth: .resNet18), family: "resnet", name: "resnet18")
    try assertFormulaOutputMatches(ResNet(depth: .resNet50), family: "resnet", name: "resnet50")
    try assertFormulaOutputMatches(
      ResNet(depth: .resNet50, squeezeExcitation: true), family: "resnet", name: "seresnet50")
    try assertFormulaOutputMatches(CIFARResNet(depth: 56), family: "resnet", name: "resnet56")
  }

  func testSqueezeExcitationWidthFollowsTimm() {
    // make_divisible(C / 16, 8, round_limit=0): nearest multiple of 8, at least 8.
    XCTAssertEqual(
      [256, 512, 1024, 2048].map { SqueezeExcitation.reducedWidth($0) }, [16, 32, 64, 128])
    XCTAssertEqual(SqueezeExcitation.reducedWidth(32), 8)
    XCTAssertEqual(SqueezeExcitation.reducedWidth(200), 16)  // 12.5 → 16
    XCTAssertEqual(SqueezeExcitation.reducedWidth(184), 8)  // 11.5 → 8
  }

  func testZeroPadShortcutSubsamplesAndPadsChannels() {
    // x = arange over [1, 2, 4, 4]; option A keeps x[:, :, ::2, ::2] and adds one zero channel
    // on each side.
    let input = Variable(
      Tensor(shape: [1, 2, 4, 4], scalars: (0..<32).map(Float.init)), requiresGrad: true)
    let output = ZeroPadShortcut(2, 4, stride: 2)(input)
    XCTAssertEqual(output.shape, [1, 4, 2, 2])
    XCTAssertEqual(output.value.scalars, [0, 0, 0, 0, 0, 2, 8, 10, 16, 18, 24, 26, 0, 0, 0, 0])
    output.sum().backward()
    let picked: [Float] = [1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0]
    XCTAssertEqual(input.grad?.scalars, picked + picked)
  }

  func testSmallInputsWork() {
    // The catalogue builds every ResNet for 1-channel 28×28 digits.
    for name in ["resnet18", "resnet50", "resnet20", "seresnet50"] {
      let model = try! Architectures.named(name).build(inputChannels: 1, classCount: 10)
      model.eval()
      let output = withoutGradients { model(Variable(Tensor.zeros([2, 1, 28, 28]))) }
      XCTAssertEqual(output.shape, [2, 10], name)
    }
  }

  func testSummaryOfResNet18() {
    let model = try! Architectures.named("resnet18").build(classCount: 1000)
    let summary = ModelSummary(model: model, sampleShape: [3, 224, 224])
    XCTAssertEqual(summary.totalParameters, 11_689_512)
    XCTAssertEqual(summary.rows.reduce(0) { $0 + $1.parameterCount }, 11_689_512)
    XCTAssertEqual(summary.rows.last?.name, "fc")
    XCTAssertEqual(summary.rows.last?.outputShape, [1000])
    XCTAssertEqual(summary.rows.first { $0.name == "layer4.1.bn2" }?.outputShape, [512, 7, 7])
  }

  /// 256 images whose class (0–3) is the quadrant of a bright square on a noisy background:
  /// ResNet-20 must lower its loss within 30 SGD steps.
  func testResNet20LearnsSquarePosition() {
    var generator = SeededGenerator(seed: 11)
    let count = 256
    let side = 32
    var pixels = [Float](repeating: 0, count: count * 3 * side * side)
    var labels: [Int] = []
    for n in 0..<count {
      let label = n % 4
      labels.append(label)
      let top = (label / 2) * 16 + Int(generator.nextUnitFloat() * 8)
      let left = (label % 2) * 16 + Int(generator.nextUnitFloat() * 8)
      for c in 0..<3 {
        for y in 0..<side {
          for x in 0..<side {
            let inside = (top..<top + 8).contains(y) && (left..<left + 8).contains(x)
            let noise = generator.nextUnitFloat() * 0.4 - 0.2
            pixels[((n * 3 + c) * side + y) * side + x] =
              (inside ? (c == 0 ? 1.5 : 0.5) : -0.5) + noise
          }
        }
      }
    }
    let images = Tensor(shape: [count, 3, side, side], scalars: pixels)
    let model = RandomSource.withSeed(3) { CIFARResNet(depth: 20, classCount: 4) }
    let optimizer = SGD(parameters: model.parameters, learningRate: 0.05, momentum: 0.9)

    func batch(_ start: Int, _ size: Int) -> (Variable, [Int]) {
      let stride = 3 * side * side
      let slice = Array(pixels[(start * stride)..<((start + size) * stride)])
      return (
        Variable(Tensor(shape: [size, 3, side, side], scalars: slice)),
        Array(labels[start..<start + size])
      )
    }
    func lossOnAllImages() -> Float {
      withoutGradients {
        crossEntropy(logits: model(Variable(images)), labels: labels).value.scalar
      }
    }

    let initialLoss = lossOnAllImages()
    for step in 0..<30 {
      let (x, y) = batch((step * 16) % count, 16)
      optimizer.zeroGradients()
      let loss = crossEntropy(logits: model(x), labels: y)
      loss.backward()
      optimizer.step()
    }
    let finalLoss = lossOnAllImages()
    XCTAssertLessThan(finalLoss, initialLoss * 0.8, "loss \(initialLoss) → \(finalLoss)")
  }
}
