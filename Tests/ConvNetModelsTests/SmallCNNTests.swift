import ConvNetAutograd
import ConvNetModels
import ConvNetNN
import ConvNetTensor
import XCTest

final class SmallCNNTests: XCTestCase {
  /// Per layer, by hand: conv1 (3·3·1+1)·32 = 320, bn1 2·32 = 64, conv2 (3·3·32+1)·64 = 18,496,
  /// bn2 2·64 = 128, fc1 (64·7·7+1)·128 = 401,536, fc2 (128+1)·10 = 1,290; total 421,834.
  func testParameterCountsPerLayer() throws {
    let model = try Architectures.named("smallcnn").build()
    let counts = Dictionary(
      grouping: model.namedParameters(),
      by: { $0.name.split(separator: ".").dropLast().joined(separator: ".") }
    ).mapValues { $0.reduce(0) { $0 + $1.parameter.value.count } }
    XCTAssertEqual(
      counts,
      [
        "features.0": 320, "features.1": 64, "features.4": 18_496, "features.5": 128,
        "classifier.1": 401_536, "classifier.4": 1_290,
      ])
    XCTAssertEqual(model.parameterCount, 421_834)
  }

  /// 28 → 14 → 7 through the two poolings; the classifier prefix names the last Linear; in
  /// evaluation mode the dropouts pass values through, so two runs agree exactly.
  func testShapesClassifierAndDeterministicEvaluation() throws {
    let architecture = try Architectures.named("smallcnn")
    let model = architecture.build(inputChannels: 3, classCount: 4)
    assertClassifierPrefix(architecture, model, classCount: 4)
    var generator = SeededGenerator(seed: 2)
    let input = Variable(Tensor.randomNormal([2, 3, 28, 28], using: &generator))
    let smallCNN = try XCTUnwrap(model as? SmallCNN)
    XCTAssertEqual(withoutGradients { smallCNN.features(input) }.shape, [2, 64, 7, 7])
    model.eval()
    let first = withoutGradients { model(input) }
    let second = withoutGradients { model(input) }
    XCTAssertEqual(first.shape, [2, 4])
    XCTAssertEqual(first.value.scalars, second.value.scalars)
  }
}
