extension Tensor {
  /// The first element, for kernels that update a tensor in place over many calls (optimisers'
  /// parameters and moment buffers).
  ///
  /// Makes the storage unique first (copy-on-write), so writes are not seen by copies such as a
  /// snapshot returned by `stateTensors()`. The pointer stays valid while this tensor keeps its
  /// storage, i.e. until it is reassigned or goes out of scope; optimisers hold their buffers
  /// and parameters for the whole update, so no allocation happens in steady state.
  public mutating func uniqueElements() -> UnsafeMutablePointer<Float> {
    ensureUniqueStorage()
    return storage.pointer
  }
}
