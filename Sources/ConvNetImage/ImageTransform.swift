import ConvNetBase

/// One preprocessing or augmentation step: an image in, an image out.
///
/// Random transforms draw everything they need from `generator` and nothing else, so the same
/// generator state gives the same output. Deterministic transforms ignore it. Transforms are
/// values (structs of numbers) and safe to share between threads.
public protocol ImageTransform: Sendable {
  /// The transformed image; random choices come from `generator`.
  func apply(_ image: Image, using generator: inout SeededGenerator) -> Image

  /// Throws `ImageTransformError` if this transform cannot handle images with `channels`
  /// channels (e.g. three-channel ImageNet statistics on grey MNIST). Call it once, before
  /// training, so a wrong configuration is reported instead of stopping a run halfway.
  func validate(channels: Int) throws
}

extension ImageTransform {
  /// Most transforms accept any channel count.
  public func validate(channels: Int) throws {}
}

/// A transform that does not fit the images it is given.
public struct ImageTransformError: Error, Equatable, CustomStringConvertible {
  /// The transform's name, e.g. `"Normalize"`.
  public let transform: String
  /// What does not fit and what was expected.
  public let reason: String

  public var description: String { "\(transform): \(reason)" }
}

extension SeededGenerator {
  /// A uniform value in [low, high] (high itself has probability zero).
  mutating func uniform(_ low: Double, _ high: Double) -> Double {
    low + (high - low) * Double(nextUnitFloat())
  }

  /// A uniform integer in low...high, both inclusive (Python's `randint(low, high)`).
  mutating func integer(_ low: Int, _ high: Int) -> Int {
    Int.random(in: low...high, using: &self)
  }

  /// True with probability `p`.
  mutating func chance(_ p: Double) -> Bool {
    Double(nextUnitFloat()) < p
  }
}
