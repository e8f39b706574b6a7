import ConvNetData
import ConvNetTensor
import XCTest

/// Data-parallel shards: each process's piece of every batch; together, the whole epoch.
final class DataShardTests: XCTestCase {
  func testPiecesOfABatchByHand() {
    // 5 positions 10 ..< 15 over 2 processes: ⌊5·0/2⌋ = 0, ⌊5·1/2⌋ = 2, ⌊5·2/2⌋ = 5.
    XCTAssertEqual(DataShard(index: 0, of: 2).piece(of: 10..<15), 10..<12)
    XCTAssertEqual(DataShard(index: 1, of: 2).piece(of: 10..<15), 12..<15)
    // 7 over 3: 0, 2, 4, 7.
    XCTAssertEqual((0..<3).map { DataShard(index: $0, of: 3).piece(of: 0..<7) }, [0..<2, 2..<4, 4..<7])
    XCTAssertEqual(DataShard.whole.piece(of: 3..<9), 3..<9)
  }

  func testPiecesAreDisjointAndCoverTheBatch() {
    for count in 1...6 {
      for size in count...20 {
        let pieces = (0..<count).map { DataShard(index: $0, of: count).piece(of: 100..<(100 + size)) }
        XCTAssertEqual(pieces.first?.lowerBound, 100)
        XCTAssertEqual(pieces.last?.upperBound, 100 + size)
        for (a, b) in zip(pieces, pieces.dropFirst()) { XCTAssertEqual(a.upperBound, b.lowerBound) }
        XCTAssertLessThanOrEqual(pieces.map(\.count).max()! - pieces.map(\.count).min()!, 1)
      }
    }
  }

  /// The processes' batches of a shuffled epoch, put together in process order, are the
  /// single process's batches: the same samples, the same pixels, the same order.
  func testShardedLoadersTogetherGiveTheWholeEpoch() {
    let count = 23
    let dataset = ImageClassificationDataset(
      name: "ramp", pixels: (0..<count * 4).map { UInt8($0 % 256) },
      labels: (0..<count).map { Int32($0 % 4) },
      sampleShape: [1, 2, 2], classCount: 4)
    let whole = DataLoader(dataset: dataset, batchSize: 7, shuffle: true, seed: 9)
    for processes in [2, 3] {
      let parts = (0..<processes).map { index -> [Batch] in
        var loader = whole
        loader.shard = DataShard(index: index, of: processes)
        XCTAssertEqual(loader.batchCount, whole.batchCount)
        return Array(loader.batches(epoch: 2))
      }
      for (number, batch) in whole.batches(epoch: 2).enumerated() {
        XCTAssertEqual(
          parts.flatMap { $0[number].indices }, batch.indices, "batch \(number), \(processes) processes")
        XCTAssertEqual(parts.flatMap { $0[number].images.scalars }, batch.images.scalars)
        XCTAssertEqual(parts.flatMap { $0[number].labels }, batch.labels)
      }
    }
  }
}
