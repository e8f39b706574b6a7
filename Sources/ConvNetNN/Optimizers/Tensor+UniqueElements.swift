import ConvNetTensor

extension Tensor {
  /// The first element, for in-place updates by an optimiser kernel.
  ///
  /// Makes the storage unique first (copy-on-write), so writes are not seen by copies such as a
  /// snapshot returned by `stateTensors()`. The pointer stays valid while this tensor keeps its
  /// storage, i.e. until it is reassigned or goes out of scope; optimisers hold their buffers
  /// and parameters for the whole update, so no allocation happens in steady state.
  mutating func uniqueElements() -> UnsafeMutablePointer<Float> {
    ensureUniqueStorage()
    return storage.pointer
  }
}
