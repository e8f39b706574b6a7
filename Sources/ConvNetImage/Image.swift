/// A decoded image: `channels` planes of `height`×`width` float values in [0, 1], stored
/// planar (channel-major, CHW) so that a plane copies straight into an NCHW tensor.
///
/// Channels: 1 = grey, 2 = grey + alpha, 3 = RGB, 4 = RGBA. Decoders map 8-bit samples to
/// v/255 and 16-bit samples to v/65535.
public struct Image: Equatable, Sendable {
  public let width: Int
  public let height: Int
  public let channels: Int
  /// channels·height·width values, plane after plane, rows top to bottom.
  public var pixels: [Float]

  public init(width: Int, height: Int, channels: Int, pixels: [Float]) {
    precondition(
      width >= 0 && height >= 0 && (1...4).contains(channels),
      "Image: bad size \(width)×\(height)×\(channels)")
    precondition(
      pixels.count == width * height * channels,
      "Image: \(pixels.count) values for \(channels)×\(height)×\(width)")
    self.width = width
    self.height = height
    self.channels = channels
    self.pixels = pixels
  }

  /// A blank image filled with `value`.
  public init(width: Int, height: Int, channels: Int, repeating value: Float = 0) {
    self.init(
      width: width, height: height, channels: channels,
      pixels: [Float](repeating: value, count: width * height * channels))
  }

  /// The value at channel `c`, row `y`, column `x`.
  public subscript(c: Int, y: Int, x: Int) -> Float {
    get { pixels[(c * height + y) * width + x] }
    set { pixels[(c * height + y) * width + x] = newValue }
  }
}
