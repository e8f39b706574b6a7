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
