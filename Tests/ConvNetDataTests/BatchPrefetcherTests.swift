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

  /// Measures one epoch of CIFAR-sized augmented batches (64 × 3 × 32 × 32, crop + flip)
  /// with a simulated 5 ms training step, with and without prefetching. Without it, each
  /// step waits for its batch (time ≈ steps · (build + 5 ms)); with it, building overlaps the
  /// step (≈ steps · max(build, 5 ms)).
  func testPrefetchOverlapsASimulatedTrainingStep() throws {
    let cifarLike = ImageClassificationDataset(
      name: "cifar-like", pixels: (0..<(640 * 3072)).map { UInt8(($0 * 31) % 256) },
      labels: (0..<640).map { Int32($0 % 10) }, sampleShape: [3, 32, 32], classCount: 10)
    var loader = try DataLoader(
      dataset: cifarLike, batchSize: 64, seed: 1,
      augmentation: TransformPipeline(parsing: "crop:32:4,flip-h"))
    func epochSeconds(depth: Int) -> Double {
      loader.prefetchDepth = depth
      let start = Date()
      for _ in loader.batches(epoch: 0) { Thread.sleep(forTimeInterval: 0.005) }
      return Date().timeIntervalSince(start)
    }
    loader.prefetchDepth = 0
    let buildStart = Date()
    _ = Array(loader.batches(epoch: 0))
    let build = Date().timeIntervalSince(buildStart) / 10
    let plain = epochSeconds(depth: 0)
    let prefetched = epochSeconds(depth: 2)
    print(
      String(
        format: "prefetch: 10 batches, build %.1f ms each; epoch with 5 ms steps: "
          + "plain %.1f ms, prefetched %.1f ms", build * 1000, plain * 1000, prefetched * 1000))
    XCTAssertLessThan(prefetched, plain)
  }
}
