import ConvNetData
import ConvNetImage
import ConvNetTensor
import Dispatch
import TestSupport
import XCTest

/// Per-sample augmentation inside the loader: composition with the pixel transform, seeding
/// by (seed, epoch, position), and independence from batching and threads.
final class DataLoaderAugmentationTests: XCTestCase {
  /// `count` 1 × 4 × 4 images: pixel (y, x) of image i is 16·i + 4·y + x (mod 256), label i % 3.
  func dataset(count: Int = 20) -> ImageClassificationDataset {
    ImageClassificationDataset(
      name: "ramps", pixels: (0..<(count * 16)).map { UInt8($0 % 256) },
      labels: (0..<count).map { Int32($0 % 3) }, sampleShape: [1, 4, 4], classCount: 3)
  }

  func testCertainFlipComposesWithNormalisation() throws {
    // flip-h:1 always mirrors; then (x/255 − 0.5) / 0.25.
    let loader = try DataLoader(
      dataset: dataset(count: 2), batchSize: 2, shuffle: false,
      transform: .normalized(mean: [0.5], standardDeviation: [0.25]),
      augmentation: TransformPipeline(parsing: "flip-h:1"))
    let batch = Array(loader.batches(epoch: 0))[0]
    var expected: [Float] = []
    for i in 0..<2 {
      for y in 0..<4 {
        for x in (0..<4).reversed() {
          expected.append((Float(16 * i + 4 * y + x) / 255 - 0.5) / 0.25)
        }
      }
    }
    assertClose(batch.images.scalars, expected, absoluteTolerance: 1e-5)
  }

  func testSameSeedSameAugmentedBatchesDifferentSeedOrEpochDiffers() throws {
    let spec = "crop:4:2,flip-h,rotate:30"
    func epoch(_ seed: UInt64, _ number: Int) throws -> [Float] {
      let loader = try DataLoader(
        dataset: dataset(), batchSize: 6, seed: seed,
        augmentation: TransformPipeline(parsing: spec))
      return Array(loader.batches(epoch: number)).flatMap(\.images.scalars)
    }
    let first = try epoch(5, 0)
    XCTAssertEqual(try epoch(5, 0), first)
    XCTAssertNotEqual(try epoch(6, 0), first)
    XCTAssertNotEqual(try epoch(5, 1), first)
  }

  func testAugmentationIndependentOfBatchSizeAndThreads() throws {
    let pipeline = try TransformPipeline(parsing: "crop:4:1,flip-h,rotate:20,erase:0.5")
    let data = dataset()
    let big = try DataLoader(dataset: data, batchSize: 8, seed: 9, augmentation: pipeline)
    let single = try DataLoader(dataset: data, batchSize: 1, seed: 9, augmentation: pipeline)
    let reference = Array(big.batches(epoch: 2)).flatMap(\.images.scalars)
    XCTAssertEqual(Array(single.batches(epoch: 2)).flatMap(\.images.scalars), reference)

    // Each sample by hand, one at a time: position p of the epoch gets
    // augmentationGenerator(epoch: 2, position: p).
    var byHand: [Float] = []
    for (position, index) in big.order(epoch: 2).enumerated() {
      let bytes = data.pixels[(index * 16)..<((index + 1) * 16)]
      let image = Image(width: 4, height: 4, channels: 1, pixels: bytes.map { Float($0) / 255 })
      var generator = big.augmentationGenerator(epoch: 2, position: position)
      byHand += pipeline.apply(image, using: &generator).pixels
    }
    assertClose(reference, byHand, absoluteTolerance: 1e-6)

    // Batches built concurrently, in any order, are the same.
    let batches = big.batches(epoch: 2)
    let slots = UnsafeMutableBufferPointer<[Float]>.allocate(capacity: batches.count)
    slots.initialize(repeating: [])
    defer { slots.deallocate() }
    DispatchQueue.concurrentPerform(iterations: batches.count) { k in
      slots[batches.count - 1 - k] = batches[batches.count - 1 - k].images.scalars
    }
    XCTAssertEqual(Array(slots).flatMap { $0 }, reference)
  }

  func testPipelineThatChangesTheShapeOrChannelsIsRejected() throws {
    XCTAssertThrowsError(
      try DataLoader(
        dataset: dataset(), batchSize: 4, augmentation: TransformPipeline(parsing: "resize:2:2"))
    ) { error in
      XCTAssertEqual((error as? DataError)?.field, "augmentation")
      XCTAssertEqual(
        (error as? DataError)?.problem,
        "turns 1×4×4 samples into 1×2×2, expected the sample shape to be kept (resize or crop "
          + "back to 4×4)")
    }
    XCTAssertThrowsError(
      try DataLoader(
        dataset: dataset(), batchSize: 4,
        augmentation: TransformPipeline(parsing: "normalize:imagenet"))
    ) { XCTAssertTrue($0 is ImageTransformError, "\($0)") }
  }
}
