import ConvNetNN

/// A named network that `--arch` selects: how to build it and what it expects.
public struct Architecture: Sendable {
  /// The name used on the command line, e.g. "lenet5".
  public let name: String
  /// One line for `--help` and listings.
  public let summary: String
  /// The natural input of one sample, [C, H, W].
  public let inputShape: [Int]
  /// The state-dict prefix of the final classification layer (its `weight` is [classes, …]),
  /// used to read the class count from weights and to replace the head for transfer learning.
  public let classifierPrefix: String
  /// The smallest height/width the network accepts (its pooling must not shrink maps to 0).
  public let minimumInputSize: Int
  /// Classes of the reference definition: 1000 for ImageNet networks, 10 for CIFAR/MNIST ones.
  public let defaultClassCount: Int
  /// True when the network takes only `inputShape`'s height and width: its classifier is a
  /// linear layer on the flattened feature maps (no adaptive pooling), sized for them.
  public let hasFixedInputSize: Bool
  let make: @Sendable (_ inputChannels: Int, _ classCount: Int) -> any Module

  public init(
    name: String, summary: String, inputShape: [Int], classifierPrefix: String,
    minimumInputSize: Int = 1, defaultClassCount: Int? = nil, hasFixedInputSize: Bool = false,
    make: @escaping @Sendable (_ inputChannels: Int, _ classCount: Int) -> any Module
  ) {
    self.name = name
    self.summary = summary
    self.inputShape = inputShape
    self.classifierPrefix = classifierPrefix
    self.minimumInputSize = minimumInputSize
    self.defaultClassCount = defaultClassCount ?? (inputShape[1] >= 224 ? 1000 : 10)
    self.hasFixedInputSize = hasFixedInputSize
    self.make = make
  }

  /// Builds the network with fresh weights drawn from `RandomSource.current`.
  public func build(inputChannels: Int? = nil, classCount: Int? = nil) -> any Module {
    make(inputChannels ?? inputShape[0], classCount ?? defaultClassCount)
  }
}

/// An architecture name that is not in the catalogue.
public struct UnknownArchitectureError: Error, CustomStringConvertible {
  public let name: String
  public var description: String {
    "unknown architecture \"\(name)\"; available: \(Architectures.all.map(\.name).joined(separator: ", "))"
  }
}

/// The catalogue of named architectures.
public enum Architectures {
  /// Every family adds its list in its own file (`Architectures+<Family>.swift`).
  public static let all: [Architecture] =
    leNetFamily + leNet1998Family + alexNetFamily + vggFamily + ninFamily + googLeNetFamily
    + resNetFamily + denseNetFamily + mobileNetFamily + regressionFamily

  static let leNetFamily: [Architecture] = [
    Architecture(
      name: "lenet5", summary: "LeNet-5 with ReLU and max pooling (61,706 parameters for MNIST)",
      inputShape: [1, 28, 28], classifierPrefix: "classifier.4", hasFixedInputSize: true
    ) { channels, classes in LeNet5(inputChannels: channels, classCount: classes) },
    Architecture(
      name: "smallcnn",
      summary: "two 3×3 conv blocks (32, 64) with batch norm and pooling, dropout, 128-unit FC "
        + "(421,834 parameters for 28×28)",
      inputShape: [1, 28, 28], classifierPrefix: "classifier.4", hasFixedInputSize: true
    ) { channels, classes in SmallCNN(inputChannels: channels, classCount: classes) },
  ]

  public static func named(_ name: String) throws -> Architecture {
    guard let found = all.first(where: { $0.name == name.lowercased() }) else {
      throw UnknownArchitectureError(name: name)
    }
    return found
  }
}
