import ConvNetBase

/// A sequence of transforms applied in order, all drawing from one generator — so the same
/// seed reproduces the same augmented image, and the pipeline is itself an `ImageTransform`.
///
///     var generator = SeededGenerator(seed: 42)
///     let augment = try TransformPipeline(parsing: "crop:32:4,flip-h,rotate:10,erase:0.5")
///     let sample = augment.apply(image, using: &generator)
public struct TransformPipeline: ImageTransform {
  /// The steps, first applied first.
  public let transforms: [any ImageTransform]

  /// A pipeline running `transforms` in order. An empty list leaves images unchanged.
  public init(_ transforms: [any ImageTransform]) {
    self.transforms = transforms
  }

  /// Parses a command-line augmentation spec (see `TransformSpecParser` for the grammar and the
  /// list of names), for example `"crop:32:4,flip-h,rotate:10,translate:0.1,scale:0.1,clahe"`.
  ///
  /// - Throws: `TransformSpecError` naming the offending token and what was expected.
  public init(parsing spec: String) throws {
    self.init(try TransformSpecParser.parse(spec))
  }

  public func apply(_ image: Image, using generator: inout SeededGenerator) -> Image {
    var result = image
    for transform in transforms {
      result = transform.apply(result, using: &generator)
    }
    return result
  }

  /// Validates every step (see `ImageTransform.validate(channels:)`); the first misfit throws.
  public func validate(channels: Int) throws {
    for transform in transforms { try transform.validate(channels: channels) }
  }
}
