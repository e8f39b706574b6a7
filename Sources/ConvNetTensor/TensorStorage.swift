/// The heap buffer behind a `Tensor`: `count` float32 values, 64-byte aligned so that SIMD
/// kernels can use aligned loads. Tensors share a storage until one of them writes
/// (copy-on-write, see `Tensor.ensureUniqueStorage()`). Buffers come from and go back to
/// `BufferCache`, so a loop that makes the same tensors every step reuses their memory.
public final class TensorStorage: @unchecked Sendable {
  public let count: Int
  /// Counts the writes made through `Tensor`'s checked write paths (each bumps it once, see
  /// `Tensor.ensureUniqueStorage()`): with the storage's identity it tells whether values
  /// derived from the elements (a prepared convolution's packed weight) are still current.
  public internal(set) var version: UInt64 = 0
  /// The elements, unchecked. Not public: outside this package a tensor's elements are written
  /// only through `Tensor`'s checked paths (`uniqueElements()`, …), which copy a shared storage
  /// first. Inside it, `TensorStorage` fills its own new buffers through it; reads should use
  /// `Tensor.readOnlyElements`, writes `Tensor.uniqueElements()`.
  @usableFromInline package let pointer: UnsafeMutablePointer<Float>

  /// Uninitialised memory: the caller must write every element before reading it.
  public init(uninitializedCount count: Int) {
    precondition(count >= 0, "TensorStorage: negative element count \(count)")
    self.count = count
    let raw = BufferCache.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride)
    pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
  }

  public convenience init(repeating value: Float, count: Int) {
    self.init(uninitializedCount: count)
    pointer.initialize(repeating: value, count: count)
  }

  public func copy() -> TensorStorage {
    let result = TensorStorage(uninitializedCount: count)
    result.pointer.update(from: pointer, count: count)
    return result
  }

  deinit {
    BufferCache.deallocate(
      UnsafeMutableRawPointer(pointer), byteCount: max(count, 1) * MemoryLayout<Float>.stride)
  }
}
