import ConvNetData
import ConvNetModels

/// A training split and its evaluation split brought to the shape an architecture takes
/// (`Architecture.fittedShape`): the given channel count (default: the data's), and the
/// architecture's own size when it takes only that size (CIFAR's 32×32 for LeNet-5, made for
/// 28×28) or when the images are smaller than its minimum (28×28 digits for LeNet-5 (1998),
/// which needs 32×32) — by `ResampledDataset` (zero padding or resizing, grey ↔ RGB).
///
/// An evaluation split whose shape differs from the training split's is left as it is, for
/// `Preflight` to refuse.
public struct FittedDatasets {
  /// What was done to the images.
  public struct Resampling: Equatable, Sendable, CustomStringConvertible {
    public enum Method: String, Sendable {
      case channelsConverted = "channels converted"
      case zeroPadding = "zero padding"
      case resizing
    }

    /// [C, H, W] before and after.
    public var from: [Int]
    public var to: [Int]
    public var method: Method
    /// The architecture's display name.
    public var architecture: String

    /// "1×28×28 → 1×32×32 (zero padding) for lenet5-1998".
    public var description: String {
      let shape = { (shape: [Int]) in shape.map(String.init).joined(separator: "×") }
      return "\(shape(from)) → \(shape(to)) (\(method.rawValue)) for \(architecture)"
    }
  }

  public var train: any LabeledImageDataset
  public var test: (any LabeledImageDataset)?
  /// Nil when the images already had the shape the architecture takes.
  public var resampling: Resampling?

  /// Fits `train` and `test` to `architecture`.
  /// - Parameter channels: the network's input channels (1 or 3); nil keeps the data's.
  public init(
    train: any LabeledImageDataset, test: (any LabeledImageDataset)?, architecture: Architecture,
    channels: Int? = nil
  ) {
    let shape = train.sampleShape
    let target = architecture.fittedShape(for: shape, channels: channels)
    guard target != shape else {
      self.train = train
      self.test = test
      self.resampling = nil
      return
    }
    let resampled = ResampledDataset(train, sampleShape: target)
    self.train = resampled
    self.test = test.map { test -> any LabeledImageDataset in
      test.sampleShape == shape ? ResampledDataset(test, sampleShape: target) : test
    }
    let method: Resampling.Method =
      target[1...] == shape[1...] ? .channelsConverted : (resampled.pads ? .zeroPadding : .resizing)
    self.resampling = Resampling(from: shape, to: target, method: method, architecture: architecture.name)
  }
}
