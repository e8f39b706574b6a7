import ConvNetData
import ConvNetImage
import Foundation
import XCTest

/// A data source as a stored value: opened again to the same splits, its held-out part drawn
/// by the seed, its impossible values refused naming the field.
final class DataSourceTests: XCTestCase {
  /// Ten training images of two classes (labels alternate) and two test images.
  private func idxFolder() throws -> IDXTestDirectory {
    let directory = try IDXTestDirectory()
    try directory.writeMNISTPair(labels: [0, 1, 0, 1, 0, 1, 0, 1, 0, 1])
    try directory.writeMNISTPair(prefix: "t10k", labels: [1, 0])
    return directory
  }

  func testOpensTrainingAndTestSplits() throws {
    let directory = try idxFolder()
    let opened = try DataSource(path: directory.url.path).open(seed: 1)
    XCTAssertEqual(opened.format, .idx)
    XCTAssertEqual(opened.sourceName, "IDX")
    XCTAssertEqual(opened.testKind, "test")
    XCTAssertEqual(opened.train.count, 10)
    XCTAssertEqual(opened.test?.count, 2)
    XCTAssertEqual(opened.train.sampleShape, [1, 2, 3])
    XCTAssertTrue(opened.folders.isEmpty)
    // An explicit size and channel count resample the stored images.
    let resampled = try DataSource(path: directory.url.path, imageSize: [4, 5], channels: 3).open(seed: 1)
    XCTAssertEqual(resampled.train.sampleShape, [3, 4, 5])
  }

  /// 20 % of each class (5 images each) is one image per class; the same seed draws the same.
  func testValidationFractionHoldsOutAStratifiedPart() throws {
    let directory = try idxFolder()
    let source = DataSource(path: directory.url.path, validationFraction: 0.2)
    let opened = try source.open(seed: 7)
    XCTAssertEqual(opened.testKind, "validation")
    XCTAssertEqual(opened.train.count, 8)
    let validation = try XCTUnwrap(opened.test)
    XCTAssertEqual((0..<validation.count).map { validation.label(at: $0) }.sorted(), [0, 1])
    typealias Part = DatasetSubset<ImageClassificationDataset>
    let drawn = try XCTUnwrap(validation as? Part).indices
    XCTAssertEqual(try XCTUnwrap(try source.open(seed: 7).test as? Part).indices, drawn)
    XCTAssertEqual(Set(drawn).intersection(try XCTUnwrap(opened.train as? Part).indices), [])
  }

  func testBundledMNISTByDefault() throws {
    let opened = try DataSource().open(seed: 1)
    XCTAssertEqual(opened.sourceName, "bundled MNIST (IDX)")
    XCTAssertEqual(opened.train.count, 60_000)
    XCTAssertEqual(opened.test?.count, 10_000)
  }

  func testRefusesImpossibleValuesNamingTheField() throws {
    let directory = try idxFolder()
    let path = directory.url.path
    assertDataError(
      try DataSource(path: path, validationFraction: 1).open(seed: 1), ["validation fraction", "got 1.0"])
    assertDataError(try DataSource(path: path, channels: 2).open(seed: 1), ["channels", "1 or 3"])
    assertDataError(try DataSource(path: path, imageSize: [0, 4]).open(seed: 1), ["image size"])
    assertDataError(try DataSource(path: path + "/missing").open(seed: 1), ["missing", "not found"])
  }

  func testCodableRoundTrip() throws {
    let source = DataSource(
      path: "data/cifar", format: .cifar100, imageSize: [32, 32], channels: 1, validationFraction: 0.1,
      cache: true, skipsBadImages: true, maximumImagePixels: 1000)
    let decoded = try JSONDecoder().decode(DataSource.self, from: JSONEncoder().encode(source))
    XCTAssertEqual(decoded, source)
  }

  /// y = (x/255 − mean)/std folded into x·m + o: ImageNet's red channel m = 1/(255·0.229) =
  /// 0.0171248, o = −0.485/0.229 = −2.117904.
  func testPixelTransformOfAPreset() {
    XCTAssertEqual(PixelTransform(preset: .none), .unitRange)
    XCTAssertEqual(PixelTransform(preset: .mnist), .mnist)
    XCTAssertEqual(PixelTransform.preset(named: "ImageNet"), .imageNet)
    XCTAssertNil(PixelTransform.preset(named: "imagenet21k"))
    let (multiplier, offset) = PixelTransform(preset: .imagenet).coefficients(channel: 0)
    XCTAssertEqual(multiplier, 0.0171248, accuracy: 1e-6)
    XCTAssertEqual(offset, -2.117904, accuracy: 1e-5)
  }
}
