import ConvNetData
import TestSupport
import XCTest

final class ResampledDatasetTests: XCTestCase {
  /// One 2×2 grey image with bytes [0, 51, 102, 255] (0, 0.2, 0.4, 1.0 in unit range).
  private let tiny = ImageClassificationDataset(
    name: "tiny", pixels: [0, 51, 102, 255], labels: [1], sampleShape: [1, 2, 2], classCount: 2)

  private func sample(_ dataset: ResampledDataset, transform: PixelTransform = .unitRange) -> [Float] {
    var values = [Float](repeating: .nan, count: dataset.sampleElementCount)
    values.withUnsafeMutableBufferPointer {
      dataset.writeImage(at: 0, into: $0.baseAddress!, transform: transform)
    }
    return values
  }

  /// 2×2 → 4×4 is a small growth: zero padding of 1 pixel around the centre.
  func testSmallGrowthPadsAroundTheCentre() {
    let padded = ResampledDataset(tiny, sampleShape: [1, 4, 4])
    XCTAssertTrue(padded.pads)
    XCTAssertEqual(padded.label(at: 0), 1)
    let expected: [Float] = [
      0, 0, 0, 0,
      0, 0, 0.2, 0,
      0, 0.4, 1.0, 0,
      0, 0, 0, 0,
    ]
    assertClose(sample(padded), expected, absoluteTolerance: 1e-6)
  }

  /// Grey to RGB replicates the plane; the pixel transform applies after resampling:
  /// (v − 0.5) / 0.25 per channel.
  func testChannelsAndNormalisation() {
    let rgb = ResampledDataset(tiny, sampleShape: [3, 2, 2])
    let normalized = sample(rgb, transform: .normalized(mean: [0.5], standardDeviation: [0.25]))
    let plane: [Float] = [-2, -1.2, -0.4, 2]
    for (value, expected) in zip(normalized, plane + plane + plane) {
      XCTAssertEqual(value, expected, accuracy: 1e-5)
    }
  }

  /// A large change is a resize: a constant image stays constant at any size.
  func testLargeChangeResizes() {
    let constant = ImageClassificationDataset(
      name: "flat", pixels: [UInt8](repeating: 102, count: 28 * 28), labels: [0],
      sampleShape: [1, 28, 28], classCount: 1)
    let resized = ResampledDataset(constant, sampleShape: [1, 64, 64])
    XCTAssertFalse(resized.pads)
    XCTAssertTrue(sample(resized).allSatisfy { abs($0 - 0.4) < 1e-5 })
  }
}
