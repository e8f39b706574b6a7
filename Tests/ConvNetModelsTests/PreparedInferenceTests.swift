import ConvNetAutograd
import ConvNetModels
import ConvNetNN
import ConvNetTensor
import TestSupport
import XCTest

/// Prepared inference (`PreparedInference`: batch norm folded, weights kept packed, activation
/// and residual in the convolution epilogue) gives the unprepared network's outputs, and never a
/// stale one: after any write to a parameter or buffer, an inference equals — bit for bit —
/// that of a model that never prepared anything and holds the same values.
final class PreparedInferenceTests: XCTestCase {
  /// Small members of the three families the fusions cover: ResNet with basic blocks
  /// (stem conv + BN + ReLU, residual + ReLU epilogue, projection shortcuts), ResNet with
  /// bottlenecks (and SE: the addition outside the epilogue), MobileNetV2 (ReLU6, depthwise,
  /// the linear bottleneck with its residual fused into the projection).
  static let networks: [(name: String, make: () -> any Module, input: [Int])] = [
    ("resnet basic", { ResNet(blockKind: .basic, layerBlockCounts: [1, 1, 1, 1], classCount: 7, width: 8) }, [2, 3, 40, 40]),
    ("resnet bottleneck", { ResNet(blockKind: .bottleneck, layerBlockCounts: [1, 2, 1, 1], classCount: 7, width: 8) }, [1, 3, 48, 48]),
    ("resnet bottleneck SE", { ResNet(blockKind: .bottleneck, layerBlockCounts: [1, 1, 1, 1], classCount: 7, width: 16, squeezeExcitation: true) }, [1, 3, 40, 40]),
    ("mobilenet_v2", { MobileNetV2(classCount: 7, widthMultiplier: 0.25) }, [2, 3, 32, 32]),
    // Batch 1 on a larger image: the fused inverted residual blocks cut each image into bands
    // for the threads on the early stages and run the late (3×3) ones layer by layer.
    ("mobilenet_v2 batch 1", { MobileNetV2(classCount: 7, widthMultiplier: 0.25) }, [1, 3, 96, 96]),
  ]

  /// Gives every batch norm random running statistics and affine parameters, so that folding
  /// them is not the identity.
  static func randomiseBatchNorms(_ model: any Module, seed: UInt64) {
    var generator = SeededGenerator(seed: seed)
    for (_, module) in model.namedModules() {
      guard let norm = module as? BatchNorm else { continue }
      let c = norm.features
      norm.runningMean.value = Tensor.randomUniform([c], low: -0.5, high: 0.5, using: &generator)
      norm.runningVariance.value = Tensor.randomUniform([c], low: 0.5, high: 2, using: &generator)
      norm.weight?.value = Tensor.randomUniform([c], low: 0.5, high: 1.5, using: &generator)
      norm.bias?.value = Tensor.randomUniform([c], low: -0.5, high: 0.5, using: &generator)
    }
  }

  static func make(_ index: Int) -> any Module {
    let model = RandomSource.withSeed(11) { networks[index].make() }
    randomiseBatchNorms(model, seed: 5)
    model.eval()
    return model
  }

  static func infer(_ model: any Module, _ input: Tensor, prepared: Bool) -> Tensor {
    PreparedInference.with(enabled: prepared) {
      withoutGradients { model(Variable(input)).value }
    }
  }

  func testPreparedInferenceMatchesTheLayersOneByOne() {
    for (index, network) in Self.networks.enumerated() {
      let model = Self.make(index)
      var generator = SeededGenerator(seed: 3)
      let input = Tensor.randomNormal(network.input, using: &generator)
      let plain = Self.infer(model, input, prepared: false)
      XCTAssertEqual(model.preparedConvolutionCount, 0, network.name)
      let prepared = Self.infer(model, input, prepared: true)
      // Every convolution but those of squeeze-excitation modules (which call theirs directly).
      let convolutions = model.namedModules().filter {
        $0.module is Conv2d && !$0.name.contains(".se.")
      }.count
      XCTAssertEqual(model.preparedConvolutionCount, convolutions, "every convolution prepared: \(network.name)")
      assertClose(prepared, plain, absoluteTolerance: 1e-4, relativeTolerance: 1e-4, network.name)
      // Again from the cache: the same bits.
      XCTAssertEqual(Self.infer(model, input, prepared: true), prepared, "\(network.name) second call")
      model.releasePreparedInference()
      XCTAssertEqual(model.preparedConvolutionCount, 0, network.name)
    }
  }

  /// The cache-invalidation test: prepare, then change the weights by each write path — a
  /// training step (optimiser update, batch-norm statistics), `loadStateDict`, an in-place
  /// element write — and infer again: the output must equal, exactly, that of a second model
  /// that never prepared anything before being given the same values.
  func testEveryParameterWriteInvalidatesThePreparedForm() throws {
    for (index, network) in Self.networks.enumerated() {
      let model = Self.make(index)
      var generator = SeededGenerator(seed: 9)
      let input = Tensor.randomNormal(network.input, using: &generator)
      let before = Self.infer(model, input, prepared: true)

      // Whether `model` now infers exactly as a fresh model loaded with its state.
      func checkAgainstFreshModel(_ step: String) throws {
        let fresh = Self.make(index)
        try fresh.loadStateDict(
          Dictionary(uniqueKeysWithValues: model.stateDict().map { ($0.name, $0.value) }))
        let expected = Self.infer(fresh, input, prepared: true)
        let actual = Self.infer(model, input, prepared: true)
        XCTAssertEqual(actual, expected, "\(network.name) after \(step)")
        XCTAssertNotEqual(actual, before, "\(network.name): \(step) changed nothing")
      }

      // 1. One training step (SGD with momentum; batch norm in training mode updates its
      //    running statistics), then evaluation mode again.
      model.train()
      let optimizer = SGD(parameters: model.parameters, learningRate: 0.05, momentum: 0.9)
      let labels = (0..<network.input[0]).map { $0 % 7 }
      let loss = crossEntropy(logits: model(Variable(input)), labels: labels)
      loss.backward()
      optimizer.step()
      model.eval()
      try checkAgainstFreshModel("a training step")

      // 2. Loading other weights.
      let other = Self.make(index)
      Self.randomiseBatchNorms(other, seed: 77)
      try model.loadStateDict(
        Dictionary(uniqueKeysWithValues: other.stateDict().map { ($0.name, $0.value) }))
      try checkAgainstFreshModel("loadStateDict")

      // 3. One element written in place (the first convolution's weight) into the storage the
      //    prepared form was made from — only its write version tells the change. (After the
      //    load the weight shares its storage with `other`'s, and a write would copy it: make it
      //    unique and prepare first.)
      let firstConvolution = try XCTUnwrap(
        model.namedModules().compactMap { $0.module as? Conv2d }.first)
      firstConvolution.weight.value.ensureUniqueStorage()
      _ = Self.infer(model, input, prepared: true)
      let storage = ObjectIdentifier(firstConvolution.weight.value.storage)
      firstConvolution.weight.value[0, 0, 0, 0] += 0.5
      XCTAssertEqual(
        ObjectIdentifier(firstConvolution.weight.value.storage), storage,
        "\(network.name): the write went to the same storage")
      try checkAgainstFreshModel("an in-place write to a weight")

      // 3b. The same for a depthwise convolution's weight and the batch norm after it, inside
      //     a block (MobileNetV2's fused inverted residual blocks hold no form of their own).
      if let depthwise = model.namedModules().compactMap({ $0.module as? Conv2d }).first(where: {
        $0.groups > 1
      }) {
        depthwise.weight.value.ensureUniqueStorage()
        _ = Self.infer(model, input, prepared: true)
        depthwise.weight.value[0, 0, 1, 1] += 0.5
        try checkAgainstFreshModel("an in-place write to a depthwise weight")
      }

      // 4. Batch norms in training mode: they use the batch's statistics, nothing is folded.
      //    (Only the batch norms: a dropout in training mode would draw differently per call.)
      for (_, module) in model.namedModules() where module is BatchNorm { module.train() }
      let training = Self.infer(model, input, prepared: true)
      let trainingPlain = Self.infer(model, input, prepared: false)
      XCTAssertEqual(training, trainingPlain, "\(network.name) with batch norms in training mode")
      model.eval()
      XCTAssertNotEqual(training, Self.infer(model, input, prepared: true), network.name)
    }
  }
}
