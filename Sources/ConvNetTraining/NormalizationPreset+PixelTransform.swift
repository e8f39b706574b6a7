import ConvNetData
import ConvNetImage
import ConvNetNN

extension NormalizationPreset {
  /// The pixel transform of this preset for images of `channels` channels.
  /// - Throws: `SettingError` for "normalization" when the preset has per-channel statistics
  ///   for another channel count (ImageNet's three for grey digits).
  public func pixelTransform(channels: Int) throws -> PixelTransform {
    guard fits(channels: channels) else {
      throw SettingError(
        setting: "normalization", name: "normalisation",
        detail: "\(rawValue) has \(mean.count) per-channel means, but the images have \(channels) channel(s)")
    }
    return PixelTransform(preset: self)
  }
}
