extension Image {
  /// Writes the pixels as channels·height·width floats in CHW order to `destination` — one
  /// sample of an NCHW batch tensor. The caller provides room for `pixels.count` floats.
  public func copy(into destination: UnsafeMutablePointer<Float>) {
    pixels.withUnsafeBufferPointer { source in
      guard let base = source.baseAddress else { return }
      destination.update(from: base, count: source.count)
    }
  }
}
