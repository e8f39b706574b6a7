extension PixelTransform {
  /// Converts `count` values of one channel that are already in [0, 1] (decoded or augmented
  /// images) as if they were the bytes `v · 255`: y = (v · 255 · scale − mean[c]) / std[c].
  /// With the default scale 1/255 that is (v − mean[c]) / std[c].
  /// - Parameters:
  ///   - source: `count` values in [0, 1].
  ///   - destination: room for `count` floats.
  public func apply(
    unitValues source: UnsafePointer<Float>, to destination: UnsafeMutablePointer<Float>,
    count: Int, channel: Int
  ) {
    let (multiplier, offset) = coefficients(channel: channel)
    let unitMultiplier = multiplier * 255
    for i in 0..<count {
      destination[i] = source[i] * unitMultiplier + offset
    }
  }
}
