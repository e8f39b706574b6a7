/// The per-channel statistics that networks for common datasets are customarily trained with,
/// by name — the one definition behind `Normalize.imageNet`, `PixelTransform(preset:)` and the
/// names a user can give (`--normalize` on the command line, `normalize:imagenet` in an
/// augmentation spec).
public enum NormalizationPreset: String, CaseIterable, Codable, Sendable {
  /// No standardisation: pixels scaled to [0, 1] only.
  case none
  /// MNIST's training-set mean and standard deviation (one grey channel).
  case mnist
  /// CIFAR-10's training-set mean and standard deviation per channel (RGB).
  case cifar10
  /// ImageNet's per-channel statistics, as torchvision's pretrained weights expect (RGB).
  case imagenet

  /// The preset called `name`, case-insensitive ("ImageNet" is `.imagenet`), or nil.
  public init?(named name: String) {
    self.init(rawValue: name.lowercased())
  }

  /// The names, in declaration order, for messages and help texts ("none, mnist, cifar10 or
  /// imagenet").
  public static var namesList: String {
    let names = allCases.map(\.rawValue)
    return names.dropLast().joined(separator: ", ") + " or " + names[names.count - 1]
  }

  /// The means subtracted per channel (of values in [0, 1]); one value applies to every
  /// channel, none to no channel.
  public var mean: [Float] {
    switch self {
    case .none: return []
    case .mnist: return [0.1307]
    case .cifar10: return [0.4914, 0.4822, 0.4465]
    case .imagenet: return [0.485, 0.456, 0.406]
    }
  }

  /// The standard deviations divided by, per channel, matching `mean`.
  public var standardDeviation: [Float] {
    switch self {
    case .none: return []
    case .mnist: return [0.3081]
    case .cifar10: return [0.2470, 0.2435, 0.2616]
    case .imagenet: return [0.229, 0.224, 0.225]
    }
  }

  /// Whether images of `channels` channels can be normalised with these statistics: a preset
  /// with one value (or none) fits any image, a per-channel one only images with as many.
  public func fits(channels: Int) -> Bool {
    mean.count <= 1 || mean.count == channels
  }
}
