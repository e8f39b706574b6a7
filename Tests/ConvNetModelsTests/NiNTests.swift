import ConvNetAutograd
import ConvNetModels
import ConvNetNN
import ConvNetTensor
import TestSupport
import XCTest

final class NiNTests: XCTestCase {
  /// Per layer, (k·k·Cin + 1)·Cout: block 1 (25·3+1)·192 = 14,592, (192+1)·160 = 30,880,
  /// (160+1)·96 = 15,456; block 2 (25·96+1)·192 = 460,992, 2·(192+1)·192 = 74,112; block 3
  /// (9·192+1)·192 = 331,968, (192+1)·192 = 37,056, (192+1)·10 = 1,930 → 966,986.
  func testParameterCountsPerLayer() throws {
    let model = try Architectures.named("nin").build(inputChannels: 3, classCount: 10)
    let weights = model.namedParameters().filter { $0.name.hasSuffix(".weight") }
    let counts = weights.map { weight in
      let bias = model.namedParameters().first {
        $0.name == weight.name.replacingOccurrences(of: ".weight", with: ".bias")
      }
      return weight.parameter.value.count + (bias?.parameter.value.count ?? 0)
    }
    XCTAssertEqual(
      counts, [14_592, 30_880, 15_456, 460_992, 37_056, 37_056, 331_968, 37_056, 1_930])
    XCTAssertEqual(model.parameterCount, 966_986)
    XCTAssertEqual(
      weights.map(\.name),
      [0, 2, 4, 8, 10, 12, 16, 18, 20].map { "features.\($0).weight" })
  }

  /// No fully connected layer: the classifier is the last 1×1 convolution, whose weight's first
  /// dimension is the class count (what the CLI reads through `classifierPrefix`).
  func testClassifierIsOneByOneConvolution() throws {
    let architecture = try Architectures.named("nin")
    let model = architecture.build(inputChannels: 3, classCount: 7)
    XCTAssertFalse(model.namedModules().contains { $0.module is Linear })
    let classifier = try XCTUnwrap(
      model.namedParameters().first { $0.name == architecture.classifierPrefix + ".weight" })
    XCTAssertEqual(classifier.parameter.shape, [7, 192, 1, 1])
    assertClassifierPrefix(architecture, model, classCount: 7)
  }

  /// Shapes through the blocks — ceil-mode 3/2 pooling: 32 → 16 → 8 and 28 → 14 → 7 — and
  /// the logits are the spatial means of the last block's class maps.
  func testGlobalAveragePoolingOfClassMaps() {
    let model = RandomSource.withSeed(3) { NiN(inputChannels: 3, classCount: 10) }
    model.eval()
    for (side, mapSide) in [(32, 8), (28, 7)] {
      var generator = SeededGenerator(seed: 5)
      let input = Variable(
        Tensor.randomUniform([2, 3, side, side], low: -1, high: 1, using: &generator))
      let maps = withoutGradients {
        Sequential(Array(model.features.layers.dropLast()))(input)
      }
      XCTAssertEqual(maps.shape, [2, 10, mapSide, mapSide])
      let logits = withoutGradients { model(input) }
      XCTAssertEqual(logits.shape, [2, 10])
      let means = maps.value.mean(alongAxis: 3).mean(alongAxis: 2)
      assertClose(logits.value, means, absoluteTolerance: 1e-6)
    }
  }
}
