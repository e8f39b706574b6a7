import ConvNetAutograd
import ConvNetModels
import ConvNetNN
import ConvNetTensor
import TestSupport
import XCTest

final class AlexNetTests: XCTestCase {
  /// 61,100,840 parameters (torchvision's model documentation) with torchvision's keys and
  /// shapes, `features.0.weight` [64, 3, 11, 11] … `classifier.6.bias` [1000].
  func testParameterCountKeysAndShapes() throws {
    let architecture = try Architectures.named("alexnet")
    let model = architecture.build(inputChannels: 3, classCount: 1000)
    XCTAssertEqual(model.parameterCount, 61_100_840)
    assertClassifierPrefix(architecture, model, classCount: 1000)
    try TorchReference.assertKeysMatch(model, arch: "alexnet", folder: "alexnet")
  }

  /// 63×63 is the smallest input that survives the three poolings: 63 → conv 11/4 pad 2 → 15
  /// → pool 3/2 → 7 → 7 → pool → 3 → 3 → pool → 1; adaptive pooling then repeats it to 6×6.
  func testSmallestInput() {
    let model = AlexNet(inputChannels: 3, classCount: 10)
    model.eval()
    let features = withoutGradients { model.features(Variable(Tensor.zeros([1, 3, 63, 63]))) }
    XCTAssertEqual(features.shape, [1, 256, 1, 1])
    let output = withoutGradients { model(Variable(Tensor.zeros([1, 3, 63, 63]))) }
    XCTAssertEqual(output.shape, [1, 10])
  }
}
