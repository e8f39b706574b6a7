import ConvNetAutograd
import ConvNetModels
import ConvNetNN
import ConvNetTensor
import XCTest

final class LeNet5Tests: XCTestCase {
  /// Per layer, by the course's formula (k·k·Cin + 1)·Cout and (in + 1)·out:
  /// C1 (5·5·1+1)·6 = 156, C3 (5·5·6+1)·16 = 2,416, F5 (400+1)·120 = 48,120,
  /// F6 (120+1)·84 = 10,164, output (84+1)·10 = 850; total 61,706.
  func testParameterCountsPerLayer() {
    let model = LeNet5()
    let counts = Dictionary(
      grouping: model.namedParameters(),
      by: { $0.name.split(separator: ".").dropLast().joined(separator: ".") }
    )
    .mapValues { $0.reduce(0) { $0 + $1.parameter.value.count } }
    XCTAssertEqual(counts["features.0"], 156)
    XCTAssertEqual(counts["features.3"], 2416)
    XCTAssertEqual(counts["classifier.0"], 48120)
    XCTAssertEqual(counts["classifier.2"], 10164)
    XCTAssertEqual(counts["classifier.4"], 850)
    XCTAssertEqual(model.parameterCount, 61706)
  }

  func testStateDictKeysAreTorchvisionStyle() {
    XCTAssertEqual(
      LeNet5().stateDict().map(\.name),
      [
        "features.0.weight", "features.0.bias", "features.3.weight", "features.3.bias",
        "classifier.0.weight", "classifier.0.bias", "classifier.2.weight", "classifier.2.bias",
        "classifier.4.weight", "classifier.4.bias",
      ])
  }

  func testForwardShapeAndSummary() {
    let model = LeNet5(classCount: 7)
    let y = withoutGradients { model(Variable(Tensor.zeros([3, 1, 28, 28]))) }
    XCTAssertEqual(y.shape, [3, 7])
    let summary = ModelSummary(model: model, sampleShape: [1, 28, 28])
    XCTAssertEqual(summary.rows.first?.parameterFormula, "(5·5·1+1)·6 = 156")
    XCTAssertEqual(summary.rows.first?.outputShape, [6, 28, 28])
    XCTAssertEqual(summary.rows.map(\.name).last, "classifier.4")
    // MACs: C1 28·28·6·25 = 117,600; C3 10·10·16·150 = 240,000; F 48,000 + 10,080 + 588.
    XCTAssertEqual(summary.totalMultiplyAccumulates, 117_600 + 240_000 + 48_000 + 10_080 + 588)
  }

  func testSeededConstructionIsReproducible() {
    let a = RandomSource.withSeed(5) { LeNet5() }
    let b = RandomSource.withSeed(5) { LeNet5() }
    let c = RandomSource.withSeed(6) { LeNet5() }
    XCTAssertEqual(a.stateDict().map(\.value), b.stateDict().map(\.value))
    XCTAssertNotEqual(a.stateDict().map(\.value), c.stateDict().map(\.value))
  }

  /// PyTorch's default init: U(−1/√fanIn, 1/√fanIn) — for C1 fanIn = 25, bound 0.2.
  func testDefaultInitialisationBounds() {
    let weight = LeNet5().features.layers[0].ownParameters[0].parameter.value
    XCTAssertLessThanOrEqual(weight.max(), 0.2)
    XCTAssertGreaterThanOrEqual(weight.min(), -0.2)
    XCTAssertGreaterThan(weight.max(), 0.15)  // 150 draws fill the range
    let course = LeNet5(initialization: .uniform(bound: 0.05))
    XCTAssertLessThanOrEqual(course.parameters.map { $0.value.max() }.max()!, 0.05)
  }
}
