import ConvNetData
import ConvNetImage
import Foundation
import XCTest

/// Background prefetching gives exactly the batches of the plain path, and overlaps.
final class BatchPrefetcherTests: XCTestCase {
  func dataset(count: Int, side: Int = 8) -> ImageClassificationDataset {
    ImageClassificationDataset(
      name: "noise", pixels: (0..<(count * side * side)).map { UInt8(($0 * 37 + 11) % 256) },
      labels: (0..<count).map { Int32($0 % 10) }, sampleShape: [1, side, side], classCount: 10)
  }

  func contents(_ batches: [Batch]) -> [[Float]] {
    batches.map { $0.images.scalars + $0.labels.map(Float.init) + $0.indices.map(Float.init) }
  }

  func testPrefetchedBatchesEqualThePlainOnes() throws {
    var loader = try DataLoader(
      dataset: dataset(count: 103), batchSize: 10, seed: 4,
      augmentation: TransformPipeline(parsing: "crop:8:2,flip-h"))
    loader.prefetchDepth = 0
    let plain = contents(Array(loader.batches(epoch: 1)))
    XCTAssertEqual(plain.count, 11)
    for depth in [1, 2, 5] {
      loader.prefetchDepth = depth
      XCTAssertEqual(contents(Array(loader.batches(epoch: 1))), plain, "depth \(depth)")
    }
  }

  func testLeavingTheLoopEarlyStopsTheProducer() {
    let loader = DataLoader(dataset: dataset(count: 1000), batchSize: 10)
    var seen = 0
    for batch in loader.batches(epoch: 0) {
      XCTAssertEqual(batch.count, 10)
      seen += 1
      if seen == 3 { break }
    }
    XCTAssertEqual(seen, 3)
    // A second epoch still works after the abandoned one.
    XCTAssertEqual(Array(loader.batches(epoch: 1)).count, 100)
  }
}
