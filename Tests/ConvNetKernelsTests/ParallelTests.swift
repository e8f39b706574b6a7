import ConvNetKernels
import Foundation
import XCTest

/// The spinning thread pool behind `parallelFor`: every index runs exactly once, the call returns
/// only after all of them have finished, and nested or concurrent calls neither deadlock nor
/// lose indices.
final class ParallelTests: XCTestCase {
  /// Counts how often each index ran (one slot per index, each written by one thread at a time
  /// because an index is handed out once; a duplicate shows up as a count of 2).
  final class Counts: @unchecked Sendable {
    let slots: UnsafeMutablePointer<Int>
    let count: Int
    init(_ count: Int) {
      self.count = count
      slots = .allocate(capacity: count)
      slots.initialize(repeating: 0, count: count)
    }
    deinit { slots.deallocate() }
    var all: [Int] { Array(UnsafeBufferPointer(start: slots, count: count)) }
  }

  func testEveryIndexRunsOnceAcrossManyJobs() {
    // Thousands of back-to-back jobs of varying size exercise the hand-over between jobs, where
    // a worker late for one job must not take an index of the next.
    for job in 0..<3000 {
      let count = 1 + job % 37
      let counts = Counts(count)
      parallelFor(count) { index in counts.slots[index] += 1 }
      XCTAssertEqual(counts.all, [Int](repeating: 1, count: count), "job \(job)")
    }
  }

  func testReturnsOnlyAfterSlowIndicesFinish() {
    let counts = Counts(4)
    parallelFor(4) { index in
      if index % 2 == 0 { usleep(20_000) }
      counts.slots[index] = index + 10
    }
    XCTAssertEqual(counts.all, [10, 11, 12, 13])
  }

  func testNestedCallsRunInline() {
    let counts = Counts(8 * 16)
    parallelFor(8) { outer in
      parallelFor(16) { inner in counts.slots[outer * 16 + inner] += 1 }
    }
    XCTAssertEqual(counts.all, [Int](repeating: 1, count: 8 * 16))
  }

  func testCallsFromSeveralThreadsAtOnce() {
    // Two application threads (as with the data loader's prefetch thread): one of them gets the
    // pool, the other runs inline; both must complete every index.
    let results = (0..<4).map { _ in Counts(500) }
    DispatchQueue.concurrentPerform(iterations: 4) { thread in
      for round in 0..<50 {
        parallelFor(10) { index in results[thread].slots[round * 10 + index] += 1 }
      }
    }
    for (thread, counts) in results.enumerated() {
      XCTAssertEqual(counts.all, [Int](repeating: 1, count: 500), "thread \(thread)")
    }
  }

  func testChunksCoverTheRangeWithoutOverlap() {
    for count in [1, 2, 3, 7, 100, 1001] {
      let counts = Counts(count)
      parallelChunks(count, minimumChunk: 3) { range in
        for index in range { counts.slots[index] += 1 }
      }
      XCTAssertEqual(counts.all, [Int](repeating: 1, count: count), "count \(count)")
    }
  }
}
