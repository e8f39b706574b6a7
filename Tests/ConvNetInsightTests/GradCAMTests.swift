import ConvNetAutograd
import ConvNetInsight
import ConvNetModels
import ConvNetNN
import ConvNetTensor
import TestSupport
import XCTest

/// conv (1→3, 3×3) → global average pool → linear (3→4): the class-activation-map network of
/// Zhou et al., for which Grad-CAM's weights are known in closed form.
final class GlobalPoolNet: Module {
  let conv = Conv2d(1, 3, kernelSize: 3)
  let pool = AdaptiveAvgPool2d(1)
  let fc = Linear(3, 4)
  var children: [(name: String, module: any Module)] { [("conv", conv), ("pool", pool), ("fc", fc)] }
  func forward(_ input: Variable) -> Variable { fc(pool(conv(input)).flattened()) }
}

/// conv (1→2, 3×3) → ReLU → conv (2→2, 3×3) → flatten → linear (→ 3): a net whose class score
/// is not linear in the first convolution's maps.
final class TwoConvNet: Module {
  let conv1 = Conv2d(1, 2, kernelSize: 3)
  let relu = ReLU()
  let conv2 = Conv2d(2, 2, kernelSize: 3)
  let fc = Linear(2 * 3 * 3, 3)
  var children: [(name: String, module: any Module)] {
    [("conv1", conv1), ("relu", relu), ("conv2", conv2), ("fc", fc)]
  }
  func forward(_ input: Variable) -> Variable { suffix(conv1(input)) }
  /// Everything after conv1, run by hand in the finite-difference check.
  func suffix(_ a: Variable) -> Variable { fc(conv2(relu(a)).flattened()) }
}

final class GradCAMTests: XCTestCase {
  func testWeightsOfAGlobalPoolNetworkAreTheClassifierRowOverTheMapSize() throws {
    let model = RandomSource.withSeed(11) { GlobalPoolNet() }
    let x = FeatureMapCaptureTests.input([1, 6, 6])
    let cam = try GradCAM(model: model, input: x, classIndex: 2, layer: "conv")
    // y_c = Σ_k W[c,k] · mean(A^k) + b_c, so ∂y_c/∂A^k_ij = W[c,k] / (h·w), with h = w = 4.
    let w = model.fc.weight.value
    XCTAssertEqual(cam.classIndex, 2)
    assertClose(cam.channelWeights, (0..<3).map { w[2, $0] / 16 }, absoluteTolerance: 1e-7)
    // The map by hand from the conv's output.
    let a = withoutGradients { model.conv(Variable(x)) }.value
    var expected = [Float](repeating: 0, count: 16)
    for i in 0..<16 {
      var sum: Float = 0
      for k in 0..<3 { sum += w[2, k] / 16 * a[0, k, i / 4, i % 4] }
      expected[i] = max(sum, 0)
    }
    assertClose(cam.coarseMap.scalars, expected, absoluteTolerance: 1e-6)
    XCTAssertEqual(cam.heatMap.shape, [6, 6])
  }

  func testWeightsMatchFiniteDifferencesOfTheClassScore() throws {
    let model = RandomSource.withSeed(12) { TwoConvNet() }
    let x = FeatureMapCaptureTests.input([1, 7, 7], seed: 3)
    let cam = try GradCAM(model: model, input: x, classIndex: 1, layer: "conv1")
    let a = withoutGradients { model.conv1(Variable(x)) }.value
    XCTAssertEqual(cam.activations.shape, [2, 5, 5])
    assertClose(cam.activations.scalars, a.scalars)
    let score = { (a: Tensor) -> Double in
      Double(withoutGradients { model.suffix(Variable(a)) }.value[0, 1])
    }
    let epsilon: Float = 1e-4
    var expected: [Float] = []
    for k in 0..<2 {
      var sum = 0.0
      for y in 0..<5 {
        for x in 0..<5 {
          var plus = a
          plus[0, k, y, x] += epsilon
          var minus = a
          minus[0, k, y, x] -= epsilon
          sum += (score(plus) - score(minus)) / Double(2 * epsilon)
        }
      }
      expected.append(Float(sum / 25))
    }
    assertClose(cam.channelWeights, expected, absoluteTolerance: 2e-5, relativeTolerance: 1e-3)
    XCTAssertTrue(expected.allSatisfy { abs($0) > 5e-4 }, "a trivial check: \(expected)")
  }

  func testTopClassesAndProbabilities() throws {
    let model = RandomSource.withSeed(13) { GlobalPoolNet() }
    let x = FeatureMapCaptureTests.input([1, 6, 6])
    let cam = try GradCAM(model: model, input: x, layer: "conv")
    let logits = withoutGradients { model(Variable(x)) }.value.scalars
    let exponentials = logits.map { exp(Double($0)) }
    let probabilities = exponentials.map { Float($0 / exponentials.reduce(0, +)) }
    let order = (0..<4).sorted { probabilities[$0] > probabilities[$1] }
    XCTAssertEqual(cam.classIndex, order[0], "the predicted class by default")
    XCTAssertEqual(cam.topClasses.map(\.classIndex), order)
    assertClose(cam.topClasses.map(\.probability), order.map { probabilities[$0] }, absoluteTolerance: 1e-6)
  }

  func testTheModelIsLeftAsItWas() throws {
    let model = RandomSource.withSeed(14) { LeNet5() }
    model.train()
    _ = try GradCAM(model: model, input: FeatureMapCaptureTests.input([1, 28, 28]))
    XCTAssertTrue(model.parameters.allSatisfy { $0.requiresGrad && $0.grad == nil })
    XCTAssertTrue(model.namedModules().allSatisfy { $0.module.isTraining })
  }

  func testDefaultLayers() throws {
    let lenet = RandomSource.withSeed(15) { LeNet5() }
    // The last convolution is features.3; its rectified output is the ReLU features.4.
    XCTAssertEqual(try GradCAM.defaultLayer(of: lenet, sampleShape: [1, 28, 28]), "features.4")
    let resnet = RandomSource.withSeed(16) { ResNet(depth: .resNet18, inputChannels: 3, classCount: 10) }
    XCTAssertEqual(try GradCAM.defaultLayer(of: resnet, sampleShape: [3, 64, 64]), "layer4.1")
    let googLeNet = RandomSource.withSeed(17) { GoogLeNet(inputChannels: 3, classCount: 10) }
    XCTAssertEqual(try GradCAM.defaultLayer(of: googLeNet, sampleShape: [3, 64, 64]), "inception5b")
  }

  func testErrors() {
    let model = RandomSource.withSeed(18) { LeNet5() }
    let x = FeatureMapCaptureTests.input([1, 28, 28])
    XCTAssertThrowsError(try GradCAM(model: model, input: x, classIndex: 10)) {
      XCTAssertTrue("\($0)".contains("class 10 is out of range"), "\($0)")
    }
    XCTAssertThrowsError(try GradCAM(model: model, input: x, layer: "features.7")) {
      XCTAssertTrue("\($0)".contains("no layer named"), "\($0)")
    }
    XCTAssertThrowsError(try GradCAM(model: model, input: Tensor.zeros([2, 1, 28, 28]))) {
      XCTAssertTrue("\($0)".contains("one image"), "\($0)")
    }
  }

  /// Class 1: the image holds a bright 4×4 patch, at a place drawn per image (the test knows
  /// it); class 0: it does not. Every image also holds a dimmer 4×4 patch elsewhere as a
  /// distractor, over faint noise. After a few hundred steps of training, the Grad-CAM map of
  /// class 1 peaks inside the bright patch.
  func testHeatMapPeaksInsideTheDecisivePatch() throws {
    let size = 16
    var generator = SeededGenerator(seed: 21)
    func place() -> (top: Int, left: Int) {
      (Int(generator.next() % 13), Int(generator.next() % 13))
    }
    func sample(label: Int? = nil) -> (pixels: [Float], label: Int, patch: (top: Int, left: Int)) {
      let label = label ?? Int(generator.next() % 2)
      let patch = place()
      var distractor = place()
      while abs(distractor.top - patch.top) < 5 && abs(distractor.left - patch.left) < 5 {
        distractor = place()
      }
      var pixels = (0..<(size * size)).map { _ in 0.1 * generator.nextUnitFloat() }
      var patches = [(distractor, Float(0.45))]
      if label == 1 { patches.append((patch, 1)) }
      for ((top, left), value) in patches {
        for y in top..<(top + 4) { for x in left..<(left + 4) { pixels[y * size + x] = value } }
      }
      return (pixels, label, patch)
    }
    let model = RandomSource.withSeed(22) {
      Sequential {
        Conv2d(1, 8, kernelSize: 3, padding: 1)
        ReLU()
        MaxPool2d(2)
        Conv2d(8, 16, kernelSize: 3, padding: 1)
        ReLU()
        AdaptiveAvgPool2d(1)
        Flatten()
        Linear(16, 2)
      }
    }
    let optimizer = Adam(parameters: model.parameters, learningRate: 0.01)
    for _ in 0..<300 {
      let batch = (0..<16).map { _ in sample() }
      let x = Tensor(shape: [16, 1, size, size], scalars: batch.flatMap(\.pixels))
      let loss = crossEntropy(logits: model(Variable(x)), labels: batch.map(\.label))
      optimizer.zeroGradients()
      loss.backward()
      optimizer.step()
    }
    model.eval()
    XCTAssertEqual(try GradCAM.defaultLayer(of: model, sampleShape: [1, size, size]), "4")
    var hits = 0
    for _ in 0..<12 {
      let (pixels, _, patch) = sample(label: 1)
      let cam = try GradCAM(model: model, input: Tensor(shape: [1, 1, size, size], scalars: pixels))
      XCTAssertEqual(cam.classIndex, 1, "the network learned the task")
      let values = cam.heatMap.scalars
      let peak = values.indices.max { values[$0] < values[$1] }!
      let inside =
        (patch.top..<(patch.top + 4)).contains(peak / size)
        && (patch.left..<(patch.left + 4)).contains(peak % size)
      if inside { hits += 1 }
    }
    XCTAssertEqual(hits, 12, "heat-map maxima inside the decisive patch")
    print("Grad-CAM localisation: \(hits) of 12 maxima inside the decisive patch")
  }
}
