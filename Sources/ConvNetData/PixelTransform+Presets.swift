import ConvNetImage

/// The normalisation presets a user names (`NormalizationPreset`: the statistics each dataset's
/// networks are customarily trained with) as pixel transforms.
extension PixelTransform {
  /// Pixels divided by 255, then standardised with the preset's statistics (`.none`: divided
  /// by 255 only, `.unitRange`).
  public init(preset: NormalizationPreset) {
    self.init(mean: preset.mean, standardDeviation: preset.standardDeviation)
  }

  /// CIFAR-10's training-set mean and standard deviation per channel (RGB).
  public static let cifar10 = PixelTransform(preset: .cifar10)

  /// ImageNet's per-channel statistics, as torchvision's pretrained weights expect (RGB).
  public static let imageNet = PixelTransform(preset: .imagenet)

  /// The preset called `name` (case-insensitive; "none" is `.unitRange`), or nil.
  public static func preset(named name: String) -> PixelTransform? {
    NormalizationPreset(named: name).map(PixelTransform.init(preset:))
  }
}
