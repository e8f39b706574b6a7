import ConvNetData
import ConvNetTensor
import TestSupport
import XCTest

/// Batching, shuffling and pixel conversion.
final class DataLoaderTests: XCTestCase {
  /// Five 1 × 1 × 2 images: image i has pixels [i, 255 − i], label i % 3.
  func smallDataset(channels: Int = 1) -> ImageClassificationDataset {
    var pixels: [UInt8] = []
    for i in 0..<5 {
      for _ in 0..<channels { pixels += [UInt8(i), UInt8(255 - i)] }
    }
    return ImageClassificationDataset(
      name: "small", pixels: pixels, labels: (0..<5).map { Int32($0 % 3) },
      sampleShape: [channels, 1, 2], classCount: 3)
  }

  func testBatchShapesAndLastPartialBatch() {
    let loader = DataLoader(dataset: smallDataset(), batchSize: 2, shuffle: false)
    XCTAssertEqual(loader.batchCount, 3)
    let batches = Array(loader.batches(epoch: 0))
    XCTAssertEqual(batches.map(\.images.shape), [[2, 1, 1, 2], [2, 1, 1, 2], [1, 1, 1, 2]])
    XCTAssertEqual(batches.map(\.labels), [[0, 1], [2, 0], [1]])
    XCTAssertEqual(batches.map(\.indices), [[0, 1], [2, 3], [4]])
    // Unit range: pixel / 255.
    assertClose(batches[2].images.scalars, [4 / 255, 251 / 255])
  }

  func testDropLast() {
    let loader = DataLoader(dataset: smallDataset(), batchSize: 2, shuffle: false, dropLast: true)
    XCTAssertEqual(loader.batchCount, 2)
    XCTAssertEqual(Array(loader.batches(epoch: 0)).map(\.indices), [[0, 1], [2, 3]])
  }

  func testSeededShuffleIsReproducibleAndAPermutation() {
    let dataset = ImageClassificationDataset(
      name: "hundred", pixels: [UInt8](repeating: 0, count: 100),
      labels: [Int32](repeating: 0, count: 100),
      sampleShape: [1, 1, 1], classCount: 1)
    let loader = DataLoader(dataset: dataset, batchSize: 7, seed: 42)
    let epoch0 = loader.order(epoch: 0)
    XCTAssertEqual(epoch0.sorted(), Array(0..<100))
    XCTAssertNotEqual(epoch0, Array(0..<100))
    XCTAssertEqual(DataLoader(dataset: dataset, batchSize: 3, seed: 42).order(epoch: 0), epoch0)
    let epoch1 = loader.order(epoch: 1)
    XCTAssertEqual(epoch1.sorted(), Array(0..<100))
    XCTAssertNotEqual(epoch1, epoch0)
    XCTAssertNotEqual(DataLoader(dataset: dataset, batchSize: 7, seed: 43).order(epoch: 0), epoch0)
    // The batches follow the order.
    XCTAssertEqual(Array(loader.batches(epoch: 1)).flatMap(\.indices), epoch1)
    XCTAssertEqual(
      DataLoader(dataset: dataset, batchSize: 7, shuffle: false).order(epoch: 5), Array(0..<100))
  }

  func testShuffledBatchesCarryTheirOwnPixelsAndLabels() {
    let loader = DataLoader(dataset: smallDataset(), batchSize: 5, seed: 7)
    let batch = Array(loader.batches(epoch: 3))[0]
    XCTAssertEqual(batch.indices.sorted(), [0, 1, 2, 3, 4])
    XCTAssertEqual(batch.labels, batch.indices.map { $0 % 3 })
    let expected = batch.indices.flatMap { [Float($0) / 255, Float(255 - $0) / 255] }
    assertClose(batch.images.scalars, expected)
  }

  func testNormalisationByHand() {
    // Pixels 0, 51, 102, 255 with mean 0.5 and std 0.25: (x/255 − 0.5) / 0.25
    // = −2, −1.2, −0.4, 2.
    let dataset = ImageClassificationDataset(
      name: "four", pixels: [0, 51, 102, 255], labels: [0], sampleShape: [1, 2, 2], classCount: 1)
    let loader = DataLoader(
      dataset: dataset, batchSize: 1, shuffle: false,
      transform: .normalized(mean: [0.5], standardDeviation: [0.25]))
    let batch = Array(loader.batches(epoch: 0))[0]
    XCTAssertEqual(batch.images.shape, [1, 1, 2, 2])
    assertClose(batch.images.scalars, [-2, -1.2, -0.4, 2])
  }

  func testPerChannelNormalisation() {
    // Two channels of [i, 255 − i]; channel 0 mean 0 std 1 (plain /255), channel 1 mean 1
    // std 0.5: image 1 gives [1/255, 254/255] and [(1/255 − 1)/0.5, (254/255 − 1)/0.5].
    let loader = DataLoader(
      dataset: smallDataset(channels: 2), batchSize: 2, shuffle: false,
      transform: .normalized(mean: [0, 1], standardDeviation: [1, 0.5]))
    let batch = Array(loader.batches(epoch: 0))[0]
    XCTAssertEqual(batch.images.shape, [2, 2, 1, 2])
    let image1 = Array(batch.images.scalars[4..<8])
    assertClose(image1, [1 / 255, 254 / 255, (1 / 255 - 1) / 0.5, (254 / 255 - 1) / 0.5])
  }

  func testLargeBatchesUseTheParallelPathCorrectly() throws {
    // 256 MNIST digits (256 · 784 floats is several parallel chunks) against a direct loop.
    let mnist = try EmbeddedMNIST.load(.test).prefix(256)
    let loader = DataLoader(dataset: mnist, batchSize: 256, shuffle: false, transform: .mnist)
    let batch = Array(loader.batches(epoch: 0))[0]
    XCTAssertEqual(batch.images.shape, [256, 1, 28, 28])
    let pixels = mnist.base.pixels.prefix(256 * 784)
    let expected = pixels.map { (Float($0) / 255 - 0.1307) / 0.3081 }
    assertClose(batch.images.scalars, expected)
  }
}
