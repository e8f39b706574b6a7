import ConvNetImage

/// How stored 8-bit pixels become network inputs: `y = (x · scale − mean[c]) / std[c]`.
///
/// With the defaults (`.unitRange`) pixels 0…255 map to 0…1. Per-channel normalisation
/// (`.normalized(mean:standardDeviation:)`) then centres and scales each channel, e.g. MNIST's
/// customary mean 0.1307 and standard deviation 0.3081 (`.mnist`).
public struct PixelTransform: Equatable, Sendable {
  /// Multiplies the raw value first; 1/255 maps bytes to [0, 1].
  public var scale: Float
  /// Per-channel means, subtracted after scaling; empty for none, one value for all channels.
  public var mean: [Float]
  /// Per-channel standard deviations to divide by; empty for none, one value for all channels.
  public var standardDeviation: [Float]

  public init(scale: Float = 1 / 255, mean: [Float] = [], standardDeviation: [Float] = []) {
    precondition(
      mean.count == standardDeviation.count,
      "PixelTransform: \(mean.count) means but \(standardDeviation.count) standard deviations")
    precondition(
      standardDeviation.allSatisfy { $0 > 0 },
      "PixelTransform: standard deviations must be positive, got \(standardDeviation)")
    self.scale = scale
    self.mean = mean
    self.standardDeviation = standardDeviation
  }

  /// Pixels divided by 255: values in [0, 1].
  public static let unitRange = PixelTransform()

  /// Pixels divided by 255, then standardised per channel.
  public static func normalized(mean: [Float], standardDeviation: [Float]) -> PixelTransform {
    PixelTransform(mean: mean, standardDeviation: standardDeviation)
  }

  /// The usual MNIST normalisation (training-set mean 0.1307, standard deviation 0.3081).
  public static let mnist = PixelTransform(preset: .mnist)

  /// The affine map for `channel` folded into one multiply-add: y = x · multiplier + offset.
  public func coefficients(channel: Int) -> (multiplier: Float, offset: Float) {
    guard !mean.isEmpty else { return (scale, 0) }
    precondition(
      mean.count == 1 || channel < mean.count,
      "PixelTransform: channel \(channel) but only \(mean.count) means given")
    let c = mean.count == 1 ? 0 : channel
    return (scale / standardDeviation[c], -mean[c] / standardDeviation[c])
  }

  /// Converts `count` pixels of one channel. A plain loop over contiguous memory with one
  /// multiply-add per element, which the compiler vectorises.
  /// - Parameters:
  ///   - source: `count` raw pixel bytes.
  ///   - destination: room for `count` floats.
  @inlinable
  public func apply(
    _ source: UnsafePointer<UInt8>, to destination: UnsafeMutablePointer<Float>, count: Int,
    channel: Int
  ) {
    let (multiplier, offset) = coefficients(channel: channel)
    for i in 0..<count {
      destination[i] = Float(source[i]) * multiplier + offset
    }
  }

  /// Checks that this transform fits images with `channels` channels.
  func validate(channels: Int) {
    precondition(
      mean.count <= 1 || mean.count == channels,
      "PixelTransform: \(mean.count) per-channel means for images with \(channels) channels")
  }
}
