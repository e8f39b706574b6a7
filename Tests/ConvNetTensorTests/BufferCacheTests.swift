import ConvNetTensor
import XCTest

final class BufferCacheTests: XCTestCase {
  /// A freed buffer comes back for the next request of the same (rounded) size, aligned; other
  /// sizes get other buffers.
  func testReusesBuffersOfTheSameSize() {
    let size = 12_345 * 4  // a size no other test here uses, so the pool is ours
    let first = BufferCache.allocate(byteCount: size)
    XCTAssertEqual(Int(bitPattern: first) % BufferCache.alignment, 0)
    BufferCache.deallocate(first, byteCount: size)
    let again = BufferCache.allocate(byteCount: size - 3)  // rounds to the same 64-byte size
    XCTAssertEqual(again, first)
    let other = BufferCache.allocate(byteCount: size + 64)
    XCTAssertNotEqual(other, again)
    BufferCache.deallocate(again, byteCount: size - 3)
    BufferCache.deallocate(other, byteCount: size + 64)
  }

  /// Tensors made and dropped in a loop reuse one storage: a steady training step stops
  /// allocating new memory.
  func testTensorStorageIsRecycled() {
    var pointers = Set<UnsafeMutablePointer<Float>>()
    for step in 0..<10 {
      let tensor = Tensor(shape: [3, 777], repeating: Float(step))
      XCTAssertEqual(tensor.scalars.last, Float(step))
      pointers.insert(tensor.storage.pointer)
    }
    XCTAssertEqual(pointers.count, 1)
  }

  /// A request that no idle buffer of its size serves takes the smallest idle one of up to twice
  /// its size, which goes back under its own size: the next request of that size gets it again.
  /// A buffer over twice the request's size, or a request under `minimumRefitBytes`, is not used.
  func testLargerIdleBufferServesASmallerRequest() {
    // Whole cache lines, sizes no other test uses; the cache is emptied first so that the only
    // idle buffers are these.
    BufferCache.purge()
    let large = 64 * 4_807
    let huge = 5 * large
    let a = BufferCache.allocate(byteCount: large)
    let b = BufferCache.allocate(byteCount: huge)
    BufferCache.deallocate(a, byteCount: large)
    BufferCache.deallocate(b, byteCount: huge)
    XCTAssertEqual(BufferCache.cachedBytes, large + huge)
    // Over half of `large` (and under a fifth of `huge`): served by `a`.
    let half = 64 * 2_404
    let smaller = BufferCache.allocate(byteCount: half)
    XCTAssertEqual(smaller, a)
    XCTAssertEqual(BufferCache.cachedBytes, huge)
    // Under half of `large`: no idle buffer is within twice its size.
    let third = 64 * 1_602
    let other = BufferCache.allocate(byteCount: third)
    XCTAssertNotEqual(other, a)
    XCTAssertNotEqual(other, b)
    BufferCache.deallocate(other, byteCount: third)
    // Freed under the smaller request's size, `a` is cached under its own.
    BufferCache.deallocate(smaller, byteCount: half)
    XCTAssertEqual(BufferCache.cachedBytes, large + huge + third)
    XCTAssertEqual(BufferCache.allocate(byteCount: large), a)
    BufferCache.deallocate(a, byteCount: large)
    // Under `minimumRefitBytes` only a buffer of the same size is reused.
    let small = BufferCache.minimumRefitBytes / 2 + 64 * 3
    let idle = BufferCache.allocate(byteCount: small)
    BufferCache.deallocate(idle, byteCount: small)
    let request = BufferCache.allocate(byteCount: small - 64)
    XCTAssertNotEqual(request, idle)
    BufferCache.deallocate(request, byteCount: small - 64)
    BufferCache.purge()
  }

  /// The cache keeps at most `maximumBuffersPerSize` buffers per size (the rest go back to the
  /// system) and `purge` empties it.
  func testBoundedAndPurgeable() {
    let size = 4_099 * 64  // a whole number of cache lines: cached at exactly this size
    // Earlier tests in the same process may have filled the cache up to its total bound.
    BufferCache.purge()
    let before = BufferCache.cachedBytes
    let buffers = (0..<(BufferCache.maximumBuffersPerSize + 5)).map { _ in
      BufferCache.allocate(byteCount: size)
    }
    for buffer in buffers { BufferCache.deallocate(buffer, byteCount: size) }
    XCTAssertEqual(BufferCache.cachedBytes - before, BufferCache.maximumBuffersPerSize * size)
    XCTAssertLessThanOrEqual(BufferCache.cachedBytes, BufferCache.maximumCachedBytes)
    BufferCache.purge()
    XCTAssertEqual(BufferCache.cachedBytes, 0)
  }
}
