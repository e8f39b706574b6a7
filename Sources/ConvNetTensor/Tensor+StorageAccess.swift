/// Pointer access to a tensor's elements, for kernels.
///
/// Every way to write a tensor's elements goes through a uniqueness check first
/// (`ensureUniqueStorage()`), so copy-on-write holds by construction: writing one tensor never
/// changes a copy of it. The check runs once per access (one reference-count load), not per
/// element. The write paths are `uniqueElements()`, `withUnsafeMutableBufferPointer(_:)`, the
/// element subscript and the in-place arithmetic (`+=`, `addScaled`).
extension Tensor {
  /// The first element, for reading. The pointer is valid while this tensor, or a copy sharing
  /// its storage, is alive and not written to; write only through the paths above.
  @inlinable public var readOnlyElements: UnsafePointer<Float> { UnsafePointer(storage.pointer) }

  /// The first element, for writing, e.g. a kernel's output or an optimiser's in-place update.
  ///
  /// Makes the storage unique first (copy-on-write), so writes are not seen by copies such as a
  /// snapshot returned by `stateTensors()`. The pointer stays valid, and unshared, while this
  /// tensor keeps its storage and is not copied: use it at once, before the tensor is assigned
  /// elsewhere or goes out of scope. For a tensor just made (`Tensor(uninitializedShape:)`) the
  /// check finds the storage unique and costs nothing more.
  @inlinable public mutating func uniqueElements() -> UnsafeMutablePointer<Float> {
    ensureUniqueStorage()
    return storage.pointer
  }
}
