import ConvNetAutograd
import ConvNetModels
import ConvNetNN
import ConvNetTensor
import TestSupport
import XCTest

/// GoogLeNet against torchvision: counts, keys and outputs (references from
/// Fixtures/make_resnet_densenet_googlenet_references.py).
final class GoogLeNetTests: XCTestCase {
  func testParameterCountsMatchTorchvision() {
    XCTAssertEqual(
      try! Architectures.named("googlenet").build(classCount: 1000).parameterCount, 6_624_904)
    // torchvision's googlenet() with aux_logits=True (its default when built untrained).
    XCTAssertEqual(GoogLeNet(auxiliaryClassifiers: true).parameterCount, 13_004_888)
  }

  func testStateDictKeysAndShapesMatchTorchvision() throws {
    try assertStateDictMatches(GoogLeNet(), family: "googlenet", architecture: "googlenet")
    try assertStateDictMatches(
      GoogLeNet(auxiliaryClassifiers: true), family: "googlenet", architecture: "googlenet_aux")
  }

  /// torchvision `Inception(8, 4, 3, 5, 2, 3, 4)` on a 2×8×9×9 input.
  func testInceptionBlockMatchesTorchvision() throws {
    let (weights, input, output) = try ReferenceFixtures.reference(
      "googlenet", "inception_8-4-3-5-2-3-4")
    let block = Inception(
      8, ones: 4, threesReduce: 3, threes: 5, fivesReduce: 2, fives: 3, poolProjection: 4)
    XCTAssertEqual(block.outputChannels, 16)
    try assertMatchesReference(block, weights: weights, input: input, output: output)
  }

  /// Full-size GoogLeNet with formula-filled weights on a 1×3×64×64 input.
  func testFullSizeGoogLeNetMatchesTorchvision() throws {
    try assertFormulaOutputMatches(GoogLeNet(), family: "googlenet", name: "googlenet")
  }

  func testAuxiliaryOutputsOnlyInTraining() {
    let model = RandomSource.withSeed(5) { GoogLeNet(classCount: 7, auxiliaryClassifiers: true) }
    let input = Variable(
      Tensor.randomUniform(
        [2, 3, 64, 64], low: -1, high: 1, using: &RandomSource.current.generator))
    let logits = model(input)
    XCTAssertEqual(logits.shape, [2, 7])
    XCTAssertEqual(model.lastAuxiliaryOutputs.map(\.shape), [[2, 7], [2, 7]])
    // The auxiliary losses reach the auxiliary heads' weights (the paper adds them with 0.3).
    let labels = [1, 4]
    let loss =
      crossEntropy(logits: logits, labels: labels)
      + 0.3 * crossEntropy(logits: model.lastAuxiliaryOutputs[0], labels: labels)
      + 0.3 * crossEntropy(logits: model.lastAuxiliaryOutputs[1], labels: labels)
    loss.backward()
    XCTAssertNotNil(model.aux1?.fc2.weight.grad)
    XCTAssertNotNil(model.aux2?.conv.conv.weight.grad)
    model.eval()
    _ = withoutGradients { model(input) }
    XCTAssertTrue(model.lastAuxiliaryOutputs.isEmpty)
  }

  func testCIFARSizedInputWorks() {
    let model = try! Architectures.named("googlenet").build(inputChannels: 1, classCount: 10)
    model.eval()
    let output = withoutGradients { model(Variable(Tensor.zeros([2, 1, 32, 32]))) }
    XCTAssertEqual(output.shape, [2, 10])
  }
}
