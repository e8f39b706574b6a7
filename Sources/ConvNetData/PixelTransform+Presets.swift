/// The normalisation presets a user names (`--normalize` on the command line): the statistics
/// each dataset's networks are customarily trained with.
extension PixelTransform {
  /// CIFAR-10's training-set mean and standard deviation per channel (RGB).
  public static let cifar10 = normalized(
    mean: [0.4914, 0.4822, 0.4465], standardDeviation: [0.2470, 0.2435, 0.2616])

  /// ImageNet's per-channel statistics, as torchvision's pretrained weights expect (RGB).
  public static let imageNet = normalized(
    mean: [0.485, 0.456, 0.406], standardDeviation: [0.229, 0.224, 0.225])

  /// The preset called `name` (case-insensitive; "none" is `.unitRange`), or nil.
  public static func preset(named name: String) -> PixelTransform? {
    switch name.lowercased() {
    case "none": return .unitRange
    case "mnist": return .mnist
    case "cifar10": return .cifar10
    case "imagenet": return .imageNet
    default: return nil
    }
  }
}
