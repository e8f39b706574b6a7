import ConvNetImage
import XCTest

/// The presets by name: the published statistics (torchvision's ImageNet constants, the
/// customary MNIST and CIFAR-10 training-set figures), and `Normalize.imageNet` drawn from them.
final class NormalizationPresetTests: XCTestCase {
  func testStatistics() {
    XCTAssertEqual(NormalizationPreset.imagenet.mean, [0.485, 0.456, 0.406])
    XCTAssertEqual(NormalizationPreset.imagenet.standardDeviation, [0.229, 0.224, 0.225])
    XCTAssertEqual(NormalizationPreset.cifar10.mean, [0.4914, 0.4822, 0.4465])
    XCTAssertEqual(NormalizationPreset.cifar10.standardDeviation, [0.2470, 0.2435, 0.2616])
    XCTAssertEqual(NormalizationPreset.mnist.mean, [0.1307])
    XCTAssertEqual(NormalizationPreset.mnist.standardDeviation, [0.3081])
    XCTAssertEqual(NormalizationPreset.none.mean, [])
    XCTAssertEqual(NormalizationPreset.none.standardDeviation, [])
    XCTAssertEqual(Normalize.imageNet.mean, NormalizationPreset.imagenet.mean)
    XCTAssertEqual(Normalize.imageNet.std, NormalizationPreset.imagenet.standardDeviation)
  }

  func testNamesAndChannels() {
    XCTAssertEqual(NormalizationPreset(named: "ImageNet"), .imagenet)
    XCTAssertEqual(NormalizationPreset(named: "CIFAR10"), .cifar10)
    XCTAssertNil(NormalizationPreset(named: "imagenet1k"))
    XCTAssertEqual(NormalizationPreset.namesList, "none, mnist, cifar10 or imagenet")
    XCTAssertTrue(NormalizationPreset.mnist.fits(channels: 3))
    XCTAssertTrue(NormalizationPreset.none.fits(channels: 1))
    XCTAssertTrue(NormalizationPreset.imagenet.fits(channels: 3))
    XCTAssertFalse(NormalizationPreset.imagenet.fits(channels: 1))
    XCTAssertFalse(NormalizationPreset.cifar10.fits(channels: 4))
  }
}
