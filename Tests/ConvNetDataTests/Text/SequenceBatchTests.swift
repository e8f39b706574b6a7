import ConvNetData
import ConvNetTensor
import XCTest

final class SequenceBatchTests: XCTestCase {
  func testLanguageModelWindowsShiftTargetsByOne() throws {
    let windows = try LanguageModelWindows(stream: Array(10..<20), length: 3)
    // 10 ids: windows start at 0, 3, 6 (the one at 9 would need ids up to 12).
    XCTAssertEqual(windows.count, 3)
    XCTAssertEqual(Array(windows.inputs(2)), [16, 17, 18])
    XCTAssertEqual(Array(windows.targets(2)), [17, 18, 19])
    let batch = windows.batch([1, 0])
    XCTAssertEqual(batch.inputs, [13, 14, 15, 10, 11, 12])
    XCTAssertEqual(batch.targets, [14, 15, 16, 11, 12, 13])
    XCTAssertEqual(try LanguageModelWindows(stream: Array(0..<10), length: 4, stride: 2).count, 3)
    assertDataError(["has 3 tokens", "at least 4"]) {
      _ = try LanguageModelWindows(stream: [1, 2, 3], length: 3)
    }
    assertDataError(["length", "is 0"]) { _ = try LanguageModelWindows(stream: [1, 2, 3], length: 0) }
  }

  func testStreamEndsEveryDocumentWithEndOfSequence() {
    let vocabulary = Vocabulary.build(from: ["ab", "b"], tokenizer: .characters)
    // b (2×) is id 4, a is id 5.
    XCTAssertEqual(LanguageModelWindows.stream(of: ["ab", "b"], vocabulary: vocabulary), [5, 4, 3, 4, 3])
  }

  func testPaddedBatchLengthsMaskAndOrder() {
    let batch = PaddedBatch(sequences: [[5, 6], [7, 8, 9, 10], [], [11, 12, 13]], maximumLength: 3)
    XCTAssertEqual(batch.batchSize, 4)
    XCTAssertEqual(batch.length, 3)
    XCTAssertEqual(batch.lengths, [2, 3, 0, 3])
    XCTAssertEqual(batch.ids, [5, 6, 0, 7, 8, 9, 0, 0, 0, 11, 12, 13])
    XCTAssertEqual(batch[3, 1], 12)
    XCTAssertEqual(batch.mask, Tensor(shape: [4, 3], scalars: [1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1]))
    XCTAssertEqual(batch.idTensor.shape, [4, 3])
    XCTAssertEqual(batch.rowsByDecreasingLength, [1, 3, 0, 2])
  }

  func testTranslationBatchesForTeacherForcing() {
    let pairs = ParallelTextDataset(name: "t", pairs: [("ab", "xy"), ("a", "xyz")])
    let source = Vocabulary.build(from: pairs.sources, tokenizer: .characters)  // a 4, b 5
    let target = Vocabulary.build(from: pairs.targets, tokenizer: .characters)  // x 4, y 5, z 6
    let batch = pairs.batch([0, 1], sourceVocabulary: source, targetVocabulary: target, maximumLength: 3)
    XCTAssertEqual(batch.source.ids, [4, 5, 4, 0])
    XCTAssertEqual(batch.decoderInput.ids, [2, 4, 5, 2, 4, 5])
    XCTAssertEqual(batch.decoderTarget.ids, [4, 5, 3, 4, 5, 3])
    XCTAssertEqual(batch.decoderInput.lengths, [3, 3])
  }

  func testBatchOrderShufflesReproduciblyPerEpoch() {
    let epoch0 = BatchOrder.batches(count: 10, batchSize: 4, shuffle: true, seed: 3, epoch: 0)
    XCTAssertEqual(epoch0.map(\.count), [4, 4, 2])
    XCTAssertEqual(epoch0.flatMap { $0 }.sorted(), Array(0..<10))
    XCTAssertEqual(BatchOrder.batches(count: 10, batchSize: 4, shuffle: true, seed: 3, epoch: 0), epoch0)
    XCTAssertNotEqual(BatchOrder.batches(count: 10, batchSize: 4, shuffle: true, seed: 3, epoch: 1), epoch0)
    XCTAssertEqual(
      BatchOrder.batches(count: 10, batchSize: 4, shuffle: false, seed: 3, epoch: 0, dropLast: true),
      [[0, 1, 2, 3], [4, 5, 6, 7]])
  }

  func testLengthBucketedBatchesHoldSimilarLengthsAndEverySampleOnce() {
    // 40 samples of lengths 0…39 in a scrambled order; pools of 2 batches of 5.
    let lengths = (0..<40).map { ($0 * 17) % 40 }
    let batches = BatchOrder.lengthBucketed(lengths: lengths, batchSize: 5, seed: 9, epoch: 0, poolBatches: 2)
    XCTAssertEqual(batches.flatMap { $0 }.sorted(), Array(0..<40))
    XCTAssertEqual(batches.map(\.count), [Int](repeating: 5, count: 8))
    for batch in batches {
      // Each batch is a run of a pool sorted by length.
      let batchLengths = batch.map { lengths[$0] }
      XCTAssertEqual(batchLengths, batchLengths.sorted())
    }
    // Padding: a pool-sorted epoch pads far less than the plain shuffled one.
    func padding(_ batches: [[Int]]) -> Int {
      batches.reduce(0) { total, batch in
        let longest = batch.map { lengths[$0] }.max()!
        return total + batch.reduce(0) { $0 + longest - lengths[$1] }
      }
    }
    let plain = BatchOrder.batches(count: 40, batchSize: 5, shuffle: true, seed: 9, epoch: 0)
    XCTAssertLessThan(padding(batches), padding(plain))
    XCTAssertEqual(
      BatchOrder.lengthBucketed(lengths: lengths, batchSize: 5, seed: 9, epoch: 0, poolBatches: 2), batches)
    XCTAssertNotEqual(
      BatchOrder.lengthBucketed(lengths: lengths, batchSize: 5, seed: 9, epoch: 1, poolBatches: 2), batches)
  }

  func testParallelTSVTakesTwoFieldsAndNamesBadLines() throws {
    let directory = try TextTestDirectory()
    let url = try directory.write("cmn.txt", text: "Hi.\t嗨。\tCC-BY 2.0 (France)\r\n\nRun!\t跑！\n")
    let corpus = try ParallelTextDataset.readTSV(contentsOf: url)
    XCTAssertEqual(corpus.sources, ["Hi.", "Run!"])
    XCTAssertEqual(corpus.targets, ["嗨。", "跑！"])
    let bad = try directory.write("bad.tsv", text: "Hi.\t嗨。\nno tab here\n")
    assertDataError([bad.path, "line 2", "no tab"]) { _ = try ParallelTextDataset.readTSV(contentsOf: bad) }
    let emptySide = try directory.write("empty.tsv", text: "Hi.\t \n")
    assertDataError(["line 1", "empty target"]) { _ = try ParallelTextDataset.readTSV(contentsOf: emptySide) }
  }
}
