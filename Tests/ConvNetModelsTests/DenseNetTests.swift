import ConvNetAutograd
import ConvNetModels
import ConvNetNN
import ConvNetTensor
import TestSupport
import XCTest

/// DenseNet-BC against torchvision: counts, keys and outputs (references from
/// Fixtures/make_resnet_densenet_googlenet_references.py).
final class DenseNetTests: XCTestCase {
  func testParameterCountsMatchTorchvision() {
    let expected: [(String, Int)] = [
      ("densenet121", 7_978_856), ("densenet161", 28_681_000),
      ("densenet169", 14_149_480), ("densenet201", 20_013_928),
    ]
    for (name, count) in expected {
      let model = try! Architectures.named(name).build(classCount: 1000)
      XCTAssertEqual(model.parameterCount, count, name)
    }
  }

  func testStateDictKeysAndShapesMatchTorchvision() throws {
    for variant in DenseNet.Variant.allCases {
      try assertStateDictMatches(
        DenseNet(variant: variant), family: "densenet",
        architecture: "densenet\(variant.rawValue.dropFirst("denseNet".count))")
    }
  }

  /// torchvision `DenseNet(growth_rate=4, block_config=(2, 3), num_init_features=8, bn_size=2)`.
  func testSmallDenseNetMatchesTorchvision() throws {
    let (weights, input, output) = try ReferenceFixtures.reference("densenet", "growth4_blocks2-3")
    let model = DenseNet(
      growthRate: 4, blockConfiguration: [2, 3], initialFeatures: 8, bottleneckFactor: 2,
      classCount: 10)
    XCTAssertEqual(model.parameterCount, 3_682)
    try assertMatchesReference(model, weights: weights, input: input, output: output)
  }

  /// Full-size DenseNet-121 with formula-filled weights on a 1×3×64×64 input.
  func testFullSizeDenseNet121MatchesTorchvision() throws {
    try assertFormulaOutputMatches(
      DenseNet(variant: .denseNet121), family: "densenet", name: "densenet121")
  }

  func testDenseBlockConcatenatesGrowthRateChannelsPerLayer() {
    let block = DenseBlock(8, layerCount: 3, growthRate: 4, bottleneckFactor: 2)
    XCTAssertEqual(block.outputChannels, 20)
    block.eval()
    let input = Tensor.randomUniform(
      [1, 8, 5, 5], low: -1, high: 1, using: &RandomSource.current.generator)
    let output = withoutGradients { block(Variable(input)) }
    XCTAssertEqual(output.shape, [1, 20, 5, 5])
    // The block's input is passed through unchanged as its first channels.
    XCTAssertEqual(Array(output.value.scalars[0..<(8 * 25)]), input.scalars)
  }

  func testCIFARSizedInputWorks() {
    let model = try! Architectures.named("densenet121").build(inputChannels: 3, classCount: 10)
    model.eval()
    let output = withoutGradients { model(Variable(Tensor.zeros([1, 3, 32, 32]))) }
    XCTAssertEqual(output.shape, [1, 10])
  }
}
